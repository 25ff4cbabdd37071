"""Scenario files with mistakes are refused before anything runs, each issue at file:line."""

from __future__ import annotations

import textwrap
from decimal import Decimal

import pytest

from mock_exchange.scenario import Scenario, ScenarioError, load_text
from mock_exchange.scenario.model import Issue

ACCOUNTS = ["demo", "other"]


def issues_of(text: str) -> list[Issue]:
    """Load (structure) and validate (semantics) a scenario; every issue found."""
    try:
        scenario = load_text(textwrap.dedent(text).lstrip("\n"), "story.yaml", accounts=ACCOUNTS)
    except ScenarioError as exc:
        return exc.issues
    return scenario.validate(accounts=ACCOUNTS)


def only_issue(text: str) -> Issue:
    found = issues_of(text)
    assert len(found) == 1, "\n".join(map(str, found))
    return found[0]


def test_a_valid_scenario_has_no_issues() -> None:
    assert issues_of("""
        name: fine
        steps:
          - given: {prices: {BTCUSDT: "30000"}, seed: 3}
          - call: place_oco
            args: {symbol: BTCUSDT, side: SELL, quantity: "0.01", price: "32000", stop_price: "29000"}
            save: oco
          - expect:
              status: 200
              order_list: {order_list_id: "${oco.orderListId}", listOrderStatus: EXECUTING}
              events: {where: {action: new}, count: {gte: 2}}
          - clock: {advance: 1m}
          - fault: {endpoint: /sapi/v1/margin/order, kind: http_500, count: 1}
          - market: {symbol: BTCUSDT, path: ["31000", "32000"]}
    """) == []


def test_unknown_step_kind_is_reported_at_its_line() -> None:
    issue = only_issue("""
        steps:
          - given: {prices: {BTCUSDT: "30000"}}
          - wait: 5s
    """)
    assert (issue.location.file, issue.location.line) == ("story.yaml", 3)
    assert "unknown step kind 'wait'" in issue.reason


def test_unknown_field_of_a_step_names_the_field_and_line() -> None:
    issue = only_issue("""
        steps:
          - call: get_account
            argz: {}
    """)
    assert issue.location.line == 3
    assert "unknown field 'argz'" in issue.reason


def test_unknown_field_inside_given_and_market() -> None:
    found = issues_of("""
        steps:
          - given:
              prices: {BTCUSDT: "1"}
              balance: {}
          - market: {symbol: BTCUSDT, price: "1", qty: "2"}
    """)
    assert [(i.location.line, "unknown field 'balance'" in i.reason or "unknown field 'qty'" in i.reason)
            for i in found] == [(4, True), (5, True)]


def test_reference_to_a_name_never_saved() -> None:
    issue = only_issue("""
        steps:
          - call: get_open_order_lists
            save: lists
          - expect:
              order_list:
                order_list_id: ${lst.orderListId}
                listOrderStatus: EXECUTING
    """)
    assert issue.location.line == 6
    assert "bad reference ${lst.orderListId}" in issue.reason and "'lst' is not saved" in issue.reason


def test_reference_to_a_name_saved_only_later() -> None:
    issue = only_issue("""
        steps:
          - call: get_order_list
            args: {order_list_id: "${oco.orderListId}"}
          - call: place_oco
            args: {symbol: BTCUSDT, side: SELL, quantity: "1", price: "2", stop_price: "1"}
            save: oco
    """)
    assert issue.location.line == 3 and "'oco' is not saved by any earlier step" in issue.reason


def test_now_is_always_available() -> None:
    assert issues_of("""
        steps:
          - call: {method: GET, path: /sapi/v1/margin/account, params: {timestamp: "${now}"}}
    """) == []


@pytest.mark.parametrize(("matcher", "reason"), [
    ("{gt: lots}", "needs a number"),
    ("{len: -1}", "non-negative integer"),
    ("{matches: '(unclosed'}", "invalid regular expression"),
    ("{one_of: NEW}", "list of values"),
    ("{absent: false}", "{absent: true}"),
    ("{gt: 1, lenght: 2}", "unknown key 'lenght'"),
])
def test_bad_matchers(matcher: str, reason: str) -> None:
    issue = only_issue(f"""
        steps:
          - call: get_account
          - expect:
              response:
                userAssets: {matcher}
    """)
    assert issue.location.line == 5
    assert "bad matcher" in issue.reason and reason in issue.reason


def test_bad_field_path() -> None:
    issue = only_issue("""
        steps:
          - call: get_account
          - expect:
              response: {"userAssets[asset]": any}
    """)
    assert issue.location.line == 4 and "bad field path" in issue.reason


def test_client_methods_and_arguments_are_checked() -> None:
    found = issues_of("""
        steps:
          - call: place_oko
          - call: place_oco
            args: {symbol: BTCUSDT, side: SELL, quantity: "1", price: "2", stop_prize: "1"}
    """)
    reasons = [(i.location.line, i.reason) for i in found]
    assert reasons[0][0] == 2 and "unknown client method 'place_oko'" in reasons[0][1]
    assert "did you mean" in reasons[0][1] and "place_oco" in reasons[0][1]
    assert (4, "call place_oco: unknown argument 'stop_prize' (did you mean 'stop_price'?)") in reasons
    assert any(line == 4 and "missing argument 'stop_price'" in reason for line, reason in reasons)


def test_status_needs_a_call_before_it() -> None:
    issue = only_issue("""
        steps:
          - expect: {status: 200}
    """)
    assert "there is no call before this step" in issue.reason


def test_seed_only_in_leading_given() -> None:
    issue = only_issue("""
        steps:
          - call: get_account
          - given: {seed: 4}
    """)
    assert issue.location.line == 3 and "seed" in issue.reason


@pytest.mark.parametrize(("step", "reason"), [
    ("clock: {advance: soon}", "not a duration"),
    ("clock: {rewind: 5s}", "clock: write"),
    ("fault: {endpoint: /sapi/v1/margin/order, kind: gremlins}", "unknown kind 'gremlins'"),
    ("fault: {endpoint: /sapi/v1/margin/order, kind: latency, delay_ms: 5, colour: red}", "unknown field 'colour'"),
    ("market: {symbol: BTCUSDT, price: '1', path: ['2']}", "exactly one of"),
    ("{call: get_account, as: ghost}", "unknown client or account 'ghost'"),
    ("given: {balances: {nobody: {cross: {USDT: '1'}}}}", "unknown account 'nobody'"),
    ("given: {clock: {freeze_at: yesterday}}", "not an instant"),
])
def test_other_step_errors(step: str, reason: str) -> None:
    issue = only_issue(f"""
        steps:
          - {step}
    """)
    assert reason in issue.reason


def test_clients_declared_in_given_can_sign() -> None:
    assert issues_of("""
        steps:
          - given: {clients: {forger: {account: demo, secret: nope}}}
          - call: get_account
            as: forger
          - call: get_account
            as: other
          - expect: {error: {code: -1022}}
    """) == []


def test_every_issue_is_reported_not_just_the_first() -> None:
    found = issues_of("""
        steps:
          - call: get_account
            save: {1bad: userAssets}
          - expect:
              response: {x: {gt: y}}
              journal: {path: /x}
          - market: {price: "1"}
    """)
    assert [i.location.line for i in found] == [3, 5, 6, 7]


@pytest.mark.parametrize(("text", "line", "reason"), [
    ("steps: [\n", 2, "invalid YAML"),
    ("name: a\nname: b\nsteps: [{call: get_account}]\n", 2, "duplicate key 'name' (first at line 1)"),
    ("steps:\n  - call: get_account\n    save: x\n    save: y\n", 4, "duplicate key 'save'"),
    ("- call: get_account\n", 1, "a mapping with `name` and `steps`"),
    ("name: x\n", 1, "steps: expected a non-empty list"),
    ("name: x\ntitle: y\nsteps: [{call: get_account}]\n", 2, "unknown top-level field 'title'"),
    ("steps:\n  - {call: get_account, market: {symbol: BTCUSDT, price: '1'}}\n", 2, "one step has one kind"),
    ("steps:\n  - price: .inf\n", 2, "not a finite number"),
])
def test_structural_errors(text: str, line: int, reason: str) -> None:
    issue = only_issue(text)
    assert issue.location.line == line, str(issue)
    assert reason in issue.reason


def test_floats_in_yaml_become_decimals() -> None:
    scenario = load_text("steps:\n  - market: {symbol: BTCUSDT, price: 30000.10}\n")
    assert scenario.steps[0].body["price"] == Decimal("30000.10")


def test_python_floats_are_refused_at_the_python_line() -> None:
    scenario = Scenario("floats").market("BTCUSDT", price=30000.1)
    found = scenario.validate(accounts=ACCOUNTS)
    assert len(found) == 1 and "float" in found[0].reason
    assert found[0].location.file == __file__


def test_a_misspelt_matcher_is_not_taken_for_a_field() -> None:
    issue = only_issue("""
        steps:
          - call: get_open_orders
          - expect:
              response: {lenght: 0}
    """)
    assert issue.location.line == 4
    assert "bad matcher: unknown key 'lenght' (did you mean 'len'?)" in issue.reason


# -- every problem at once, with "did you mean" ---------------------------------------------


TYPOS = """
    name: Typos everywhere
    steps:
      - given: {prices: {BTCUSDT: "30000"}, balance: {}}
      - cal: place_oco
        args: {symbol: BTCUSDT, side: SELL, quantity: "0.01", price: "32000", stop_prize: "29000"}
        save: oco
      - wait: 5s
      - clock: {advnce: 60s}
      - fault: {endpoint: /api/v3/ping, kind: http_50}
      - expect:
          response: {orderReports: {lenght: 2}, listOrderStatus: {eq: EXECUTING, nee: x}}
      - call: get_account
        as: demoo
"""


def test_every_load_error_is_reported_at_once_in_line_order() -> None:
    found = [(issue.location.line, issue.reason) for issue in issues_of(TYPOS)]
    assert [line for line, _ in found] == sorted(line for line, _ in found)
    reasons = dict(found)  # one problem per line here, except line 5
    assert reasons[3].startswith("given: unknown field 'balance' (did you mean 'balances'?)")
    assert reasons[4].startswith("unknown step kind 'cal' (did you mean 'call'?)")
    assert (5, "call place_oco: unknown argument 'stop_prize' (did you mean 'stop_price'?)") in found
    assert reasons[7].startswith("unknown step kind 'wait' (step kinds:")  # nothing close: no guess
    assert reasons[8].endswith("(did you mean 'advance'?)")
    assert reasons[9].startswith("fault: unknown kind 'http_50' (did you mean 'http_500'?)")
    assert (11, "response.orderReports: bad matcher: unknown key 'lenght' (did you mean 'len'?)") in found
    assert any(line == 11 and "unknown key 'nee' next to matcher keys (did you mean 'ne'?)" in reason
               for line, reason in found)
    assert reasons[13].startswith("as: unknown client or account 'demoo' (did you mean 'demo'?)")
    assert len(found) == 10


def test_a_misspelt_kind_with_nothing_else_wrong_is_one_issue() -> None:
    issue = only_issue("""
        steps:
          - cal: get_account
    """)
    assert issue.reason.startswith("unknown step kind 'cal' (did you mean 'call'?)")


def test_a_misspelt_method_suggests_the_closest_first() -> None:
    issue = only_issue("""
        steps:
          - call: get_acount
    """)
    assert "unknown client method 'get_acount' (did you mean: get_account" in issue.reason


def test_the_cli_prints_every_problem_of_every_file(tmp_path, capsys) -> None:  # noqa: ANN001
    from mock_exchange.cli import main

    first, second = tmp_path / "a.yaml", tmp_path / "b.yaml"
    first.write_text(textwrap.dedent(TYPOS).lstrip("\n"), encoding="utf-8")
    second.write_text("steps:\n  - markt: {symbol: BTCUSDT, price: '1'}\n", encoding="utf-8")
    assert main(["scenario", "check", str(first), str(second)]) == 2
    out = capsys.readouterr().out.splitlines()
    assert sum(line.startswith(f"{first}:") for line in out) == 10
    assert out[-2] == (f"{second}:2: unknown step kind 'markt' (did you mean 'market'?) "
                       "(step kinds: given, call, market, clock, fault, replay, expect)")
    assert out[-1] == "11 problem(s) in scenario files; nothing was run"
