"""The report as one self-contained HTML page: inline CSS, inline SVG charts, a few lines of inline JS.

Nothing is fetched: no fonts, scripts, styles or images from anywhere, so the file opens
from a CI artifact on any machine, offline. Every piece of text is HTML-escaped. The page is
the same bytes for the same run except the one line holding :data:`GENERATED_MARKER` (the
time the report was written), so two reports of one seeded run can be compared with
``grep -v``. The script only filters table rows; the page reads completely without it.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from decimal import Decimal
from html import escape
from typing import Any

from mock_exchange.report.chart import SymbolChart, build_chart
from mock_exchange.report.record import HeadTail, JournalRow, RunRecord
from mock_exchange.report.svg import price_text, render_chart, time_text

GENERATED_MARKER = 'id="generated-at"'
MAX_ORDER_ROWS = 500

_CSS = """
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:0;color:#1f2328;background:#f6f8fa}
header,main{max-width:1040px;margin:0 auto;padding:0 16px}
header{padding-top:18px}
h1{font-size:22px;margin:0 0 4px}h2{font-size:18px;margin:28px 0 8px;border-bottom:1px solid #d0d7de}
h3{font-size:15px;margin:18px 0 6px}
section{background:#fff;border:1px solid #d0d7de;border-radius:6px;padding:4px 16px 14px;margin:14px 0}
.badge{display:inline-block;padding:1px 8px;border-radius:10px;font-weight:600;font-size:12px;color:#fff}
.badge.passed{background:#1a7f37}.badge.failed{background:#c62828}.badge.unknown{background:#6e7781}
.meta,.note,.generated{color:#57606a;font-size:12px}
table{border-collapse:collapse;width:100%;font-size:12.5px}
th,td{text-align:left;padding:3px 6px;border-bottom:1px solid #eaeef2;vertical-align:top}
th{background:#f6f8fa;position:sticky;top:0}
td.num{text-align:right;font-variant-numeric:tabular-nums}
tr.rejected td{background:#fff5f5}tr.more td{text-align:center;color:#57606a;font-style:italic}
.explain{color:#8a4600}
code,pre{font:12px ui-monospace,SFMono-Regular,Menlo,Consolas,monospace}
td code{word-break:break-all}td.time{white-space:nowrap}
pre{background:#f6f8fa;padding:8px;overflow:auto;max-height:420px;white-space:pre-wrap}
ol.steps{padding-left:22px}ol.steps li.failed{color:#c62828}ol.steps li.skipped{color:#6e7781}
.filters{margin:6px 0;display:flex;gap:10px;flex-wrap:wrap;font-size:12.5px}
.filters input,.filters select{font:inherit}
svg.price-chart{max-width:100%;height:auto;background:#fff}
svg .plot{fill:#fbfcfd;stroke:#d0d7de}svg .grid{stroke:#eaeef2}
svg .tick{font-size:11px;fill:#57606a}
svg .candle.up line,svg .candle.up rect{stroke:#1a7f37;fill:#1a7f37}
svg .candle.down line,svg .candle.down rect{stroke:#c62828;fill:#c62828}
svg .candle.flat line,svg .candle.flat rect{stroke:#6e7781;fill:#6e7781}
svg .close-line{fill:none;stroke:#0969da;stroke-width:1;opacity:.55}
svg .segment{stroke-width:2}svg .segment.stop{stroke-dasharray:7 4}svg .segment.pending{stroke-dasharray:2 3}
svg .order-label{font-size:10.5px;paint-order:stroke;stroke:#fff;stroke-width:3px;stroke-linejoin:round}
svg .fill-marker,svg .trigger-marker{stroke:#fff;stroke-width:1}svg .trigger-marker{fill:#bf8700}
.legend{font-size:12px;color:#57606a}
"""

# Filters rows of the tables that have a .filters bar; without JS every row stays visible.
_JS = """
(function(){
  document.querySelectorAll('.filters').forEach(function(bar){
    var table=document.getElementById(bar.getAttribute('data-table'));
    if(!table){return;}
    var inputs=bar.querySelectorAll('[data-key]');
    function apply(){
      var rows=table.querySelectorAll('tbody tr[data-row]');
      rows.forEach(function(row){
        var show=true;
        inputs.forEach(function(input){
          var key=input.getAttribute('data-key'),value=input.type==='checkbox'?(input.checked?'1':''):input.value;
          if(!value){return;}
          var cell=row.getAttribute('data-'+key)||'';
          if(input.getAttribute('data-match')==='contains'){show=show&&cell.toLowerCase().indexOf(value.toLowerCase())>=0;}
          else{show=show&&cell===value;}
        });
        row.hidden=!show;
      });
    }
    inputs.forEach(function(input){input.addEventListener('input',apply);input.addEventListener('change',apply);});
  });
})();
"""


def render(record: RunRecord, generated_ms: int | None = None) -> str:
    """The whole page; ``generated_ms`` (default: now) goes on the one generation-time line."""
    ctx = record.context
    snapshot = record.snapshot
    now_ms = int(snapshot.get("clock", {}).get("now_ms", 0))
    charts = _charts(record)
    title = f"{ctx.kind.capitalize()} report: {ctx.name}"
    outcome = ctx.outcome or "unknown"
    if generated_ms is None:
        generated_ms = int(datetime.now(UTC).timestamp()) * 1000
    out = ["<!DOCTYPE html>", '<html lang="en">', "<head>", '<meta charset="utf-8">',
           '<meta name="viewport" content="width=device-width, initial-scale=1">',
           "<meta name=\"generator\" content=\"mock-exchange run report\">",
           f"<title>{escape(title)}</title>", f"<style>{_CSS}</style>", "</head>", "<body>", "<header>",
           f'<h1>{escape(title)} <span class="badge {escape(outcome)}">{escape(outcome)}</span></h1>']
    meta = [f"{ctx.kind} {ctx.name}"]
    if ctx.source:
        meta.append(f"from {ctx.source}")
    if "clock" in snapshot:
        meta.append(f"exchange clock at the end: {time_text(now_ms)} UTC")
    seed = snapshot.get("ids", {}).get("seed")
    if seed is not None:
        meta.append(f"seed {seed}")
    out.append(f'<p class="meta">{escape(" · ".join(meta))}</p>')
    out.append(f'<p class="generated" {GENERATED_MARKER}>Report written {time_text(generated_ms)} UTC '
               "(the only line that differs between two reports of the same seeded run)</p>")
    nav = ["story", *[f"chart-{c.symbol}" for c in charts], "timeline", "rejections", "journal", "balances"]
    out.append('<p class="meta">' + " · ".join(f'<a href="#{escape(n)}">{escape(_nav_name(n))}</a>' for n in nav)
               + "</p>")
    out.append("</header>")
    out.append("<main>")
    out += _story(record)
    out += _chart_sections(record, charts)
    out += _timeline(record.events)
    out += _rejections(record.rejections)
    out += _journal(record.journal)
    out += _balances(snapshot)
    out.append("</main>")
    out.append(f"<script>{_JS}</script>")
    out += ["</body>", "</html>", ""]
    return "\n".join(out)


def render_index(title: str, rows: Sequence[tuple[str, str, str, str]], generated_ms: int | None = None) -> str:
    """A page linking to several reports: rows of (name, source, outcome, relative href)."""
    if generated_ms is None:
        generated_ms = int(datetime.now(UTC).timestamp()) * 1000
    passed = sum(1 for row in rows if row[2] == "passed")
    out = ["<!DOCTYPE html>", '<html lang="en">', "<head>", '<meta charset="utf-8">',
           f"<title>{escape(title)}</title>", f"<style>{_CSS}</style>", "</head>", "<body>", "<header>",
           f"<h1>{escape(title)}</h1>",
           f'<p class="meta">{len(rows)} reports: {passed} passed, {len(rows) - passed} failed</p>',
           f'<p class="generated" {GENERATED_MARKER}>Report written {time_text(generated_ms)} UTC</p>',
           "</header>", "<main>", "<section>", '<table class="index"><thead><tr><th>outcome</th><th>report</th>'
           "<th>source</th></tr></thead><tbody>"]
    for name, source, outcome, href in rows:
        out.append(f'<tr><td><span class="badge {escape(outcome or "unknown")}">{escape(outcome or "unknown")}</span>'
                   f'</td><td><a href="{escape(href)}">{escape(name)}</a></td>'
                   f"<td><code>{escape(source)}</code></td></tr>")
    out += ["</tbody></table>", "</section>", "</main>", "</body>", "</html>", ""]
    return "\n".join(out)


def _nav_name(anchor: str) -> str:
    return anchor[len("chart-"):] if anchor.startswith("chart-") else anchor


def _run_start(record: RunRecord) -> int | None:
    times = [int(e["time_ms"]) for e in record.all_order_events[:1]]
    times += [row.time_ms for row in record.journal.head[:1]]
    for market in record.snapshot.get("market", {}).values():
        tape = market.get("tape") or []
        if tape:
            times.append(int(tape[0][0]))
    return min(times) if times else None


def _charts(record: RunRecord) -> list[SymbolChart]:
    """A chart for each symbol the run touched: prints beyond its start price, or orders."""
    market = record.snapshot.get("market", {})
    orders = record.snapshot.get("state", {}).get("orders", {})
    with_orders = {o.get("symbol") for o in orders.values()} | {e.get("symbol") for e in record.all_order_events}
    start = _run_start(record)
    charts = []
    for symbol in sorted(market):
        entry = market[symbol]
        if symbol not in with_orders and len(entry.get("tape") or []) <= 1:
            continue
        charts.append(build_chart(symbol, entry, orders, record.all_order_events, start))
    return charts


def _story(record: RunRecord) -> list[str]:
    ctx = record.context
    out = ['<section id="story">', "<h2>What ran</h2>"]
    if ctx.steps:
        out.append('<ol class="steps">')
        for step in ctx.steps:
            mark = {"passed": "✓", "failed": "✗"}.get(step.status, "–")
            text = f"{mark} {step.description}"
            if step.detail:
                text += f" {step.detail}"
            if step.status not in ("passed", "failed"):
                text += " (skipped)"
            where = f' <span class="meta">{escape(step.location)}</span>' if step.location else ""
            out.append(f'<li class="{escape(step.status)}">{escape(text)}{where}')
            if step.failures:
                out.append("<pre>" + escape("\n".join(step.failures)) + "</pre>")
            out.append("</li>")
        out.append("</ol>")
    if ctx.failure:
        out.append("<h3>Failure</h3>")
        out.append(f"<pre class=\"failure\">{escape(ctx.failure)}</pre>")
    if not ctx.steps and not ctx.failure:
        out.append(f'<p class="note">No steps or failure were given for this {escape(ctx.kind)}: below are the '
                   "exchange's own records of it.</p>")
    out += [f'<p class="note">{escape(note)}</p>' for note in record.notes]
    out.append("</section>")
    return out


def _chart_sections(record: RunRecord, charts: list[SymbolChart]) -> list[str]:
    out: list[str] = []
    if not charts:
        return ['<section id="charts"><h2>Prices</h2><p class="note">No symbol was traded or moved in this run.'
                "</p></section>"]
    state = record.snapshot.get("state", {})
    orders, lists = state.get("orders", {}), state.get("order_lists", {})
    for chart in charts:
        out.append(f'<section id="chart-{escape(chart.symbol)}" class="symbol">')
        out.append(f"<h2>{escape(chart.symbol)}</h2>")
        out.append(render_chart(chart))
        legend = (f"{chart.prints} prints"
                  + (f" ({chart.group} per candle)" if chart.group > 1 else "")
                  + ". Lines: where each order waited — solid on the book at its limit price, dashed a stop "
                    "waiting for its stop price, dotted a pending OTO leg. ▲ a BUY fill, ▼ a SELL fill, ◆ a stop "
                    "triggered. Hover for details.")
        if chart.hidden_orders:
            legend += f" {chart.hidden_orders} more orders not drawn (the newest {len(chart.lines)} are)."
        if chart.hidden_fills:
            legend += f" {chart.hidden_fills} more fills not drawn."
        out.append(f'<p class="legend">{escape(legend)}</p>')
        out += _order_lists_table(chart.symbol, lists, orders)
        out += _orders_table(chart.symbol, orders)
        out.append("</section>")
    return out


def _order_lists_table(symbol: str, lists: dict[str, Any], orders: dict[str, Any]) -> list[str]:
    mine = [lst for _, lst in sorted(lists.items(), key=lambda kv: int(kv[0])) if lst.get("symbol") == symbol]
    if not mine:
        return []
    out = [f"<h3>Order lists ({len(mine)})</h3>", "<table class=\"order-lists\"><thead><tr><th>list</th><th>kind</th>"
           "<th>account</th><th>client id</th><th>status</th><th>legs</th></tr></thead><tbody>"]
    for lst in mine[-MAX_ORDER_ROWS:]:
        legs = []
        for order_id in lst.get("order_ids", []):
            leg = orders.get(str(order_id), {})
            legs.append(f"#{order_id} {leg.get('list_role', '')} {leg.get('type', '')} {leg.get('status', '')}")
        out.append(f"<tr><td>{lst['order_list_id']}</td><td>{escape(str(lst.get('kind')))}</td>"
                   f"<td>{escape(str(lst.get('account')))}</td><td><code>{escape(str(lst.get('list_client_order_id')))}"
                   f"</code></td><td>{escape(str(lst.get('list_status_type')))} / "
                   f"{escape(str(lst.get('list_order_status')))}</td><td>{escape('; '.join(legs))}</td></tr>")
    out.append("</tbody></table>")
    if len(mine) > MAX_ORDER_ROWS:
        out.append(f'<p class="note">{len(mine) - MAX_ORDER_ROWS} more order lists not shown.</p>')
    return out


def _orders_table(symbol: str, orders: dict[str, Any]) -> list[str]:
    mine = [o for _, o in sorted(orders.items(), key=lambda kv: int(kv[0])) if o.get("symbol") == symbol]
    if not mine:
        return ['<p class="note">No orders on this symbol.</p>']
    out = [f"<h3>Orders ({len(mine)})</h3>", '<table class="orders"><thead><tr><th>order</th><th>list</th>'
           "<th>account</th><th>side</th><th>type</th><th>qty</th><th>price</th><th>stop</th><th>executed</th>"
           "<th>status</th><th>placed (UTC)</th></tr></thead><tbody>"]
    hidden = max(0, len(mine) - MAX_ORDER_ROWS)
    for order in mine[-MAX_ORDER_ROWS:]:
        list_id = order.get("order_list_id", -1)
        in_list = f"{list_id} {order.get('list_role', '')}" if list_id is not None and int(list_id) >= 0 else ""
        out.append(
            f'<tr data-order-id="{order["order_id"]}"><td>#{order["order_id"]}</td><td>{escape(in_list)}</td>'
            f"<td>{escape(str(order.get('account')))}</td><td>{escape(str(order.get('side')))}</td>"
            f"<td>{escape(str(order.get('type')))}</td><td class=\"num\">{_num(order.get('quantity'))}</td>"
            f"<td class=\"num\">{_num(order.get('price'))}</td><td class=\"num\">{_num(order.get('stop_price'))}</td>"
            f"<td class=\"num\">{_num(order.get('executed_qty'))}</td><td>{escape(str(order.get('status')))}"
            f"{_expiry(order)}</td><td class=\"time\">{time_text(int(order.get('time_ms', 0)))}</td></tr>")
    out.append("</tbody></table>")
    if hidden:
        out.append(f'<p class="note">{hidden} older orders not shown.</p>')
    return out


def _expiry(order: dict[str, Any]) -> str:
    reason = order.get("expiry_reason")
    return f" ({escape(str(reason))})" if reason and reason != "NONE" else ""


def _num(value: Any) -> str:
    """A decimal as written by a trader (no trailing zeros); blank for none or zero."""
    if value in (None, ""):
        return ""
    try:
        number = Decimal(str(value))
    except ArithmeticError:
        return escape(str(value))
    return "" if number == 0 else escape(price_text(number))


def event_summary(event: dict[str, Any]) -> str:
    """One line saying what an event was."""
    kind = event.get("type")
    if kind == "order":
        text = f"#{event.get('order_id')} {event.get('side')} {event.get('order_type')} {event.get('quantity')}"
        if event.get("price") not in (None, "0"):
            text += f" @ {event.get('price')}"
        if event.get("stop_price") not in (None, "0"):
            text += f" stop {event.get('stop_price')}"
        if event.get("action") in ("fill", "partial_fill"):
            role = "maker" if event.get("is_maker") else "taker"
            text += f" — filled {event.get('last_qty')} @ {event.get('last_price')} ({role})"
        text += f" → {event.get('status')}"
        if event.get("expiry_reason") not in (None, "NONE"):
            text += f" ({event.get('expiry_reason')})"
        if event.get("reject_reason") not in (None, "NONE"):
            text += f" reject: {event.get('reject_reason')}"
        if event.get("order_list_id") not in (None, -1):
            text += f" [list {event.get('order_list_id')}]"
        return text
    if kind == "list_status":
        legs = ", ".join(f"#{leg.get('order_id')}" for leg in event.get("orders", []))
        return (f"list {event.get('order_list_id')} {event.get('list_kind')} {event.get('list_status_type')} / "
                f"{event.get('list_order_status')} (legs {legs})")
    if kind == "balance":
        return "; ".join(f"{b.get('asset')} free {b.get('free')} locked {b.get('locked')}"
                         for b in event.get("balances", []))
    if kind == "liability":
        return (f"{event.get('action')} {event.get('amount')} {event.get('asset')} (principal "
                f"{event.get('principal')}, interest {event.get('interest')})")
    if kind == "balance_update":
        return f"transfer {event.get('delta')} {event.get('asset')}"
    if kind == "margin_level_status":
        return f"margin level {event.get('margin_level')}: {event.get('previous_status')} → {event.get('status')}"
    return str(event.get("action") or kind)


def _more_row(columns: int, hidden: int, what: str) -> str:
    return f'<tr class="more"><td colspan="{columns}">{hidden} more {what} not shown</td></tr>'


def _head_tail_rows(items: HeadTail[Any], columns: int, what: str) -> Iterable[Any]:
    yield from items.head
    if items.hidden:
        yield _more_row(columns, items.hidden, what)
    yield from items.tail


def _filter_bar(table_id: str, controls: Sequence[str]) -> str:
    return f'<div class="filters" data-table="{table_id}">' + "".join(controls) + "</div>"


def _select(key: str, label: str, values: Iterable[str]) -> str:
    options = "".join(f'<option value="{escape(v)}">{escape(v)}</option>' for v in sorted(set(values)) if v)
    return (f'<label>{escape(label)} <select data-key="{key}"><option value="">all</option>{options}</select>'
            "</label>")


def _timeline(events: HeadTail[dict[str, Any]]) -> list[str]:
    out = ['<section id="timeline">', f"<h2>Event timeline ({events.total})</h2>"]
    if not events.total:
        return out + ['<p class="note">No events.</p>', "</section>"]
    shown = events.head + list(events.tail)
    out.append(_filter_bar("timeline-table", [
        _select("account", "account", (str(e.get("account") or "") for e in shown)),
        _select("symbol", "symbol", (str(e.get("symbol") or e.get("isolated_symbol") or "") for e in shown)),
        _select("action", "action", (str(e.get("action") or "") for e in shown)),
    ]))
    out.append('<table id="timeline-table" class="timeline"><thead><tr><th>seq</th><th>time (UTC)</th>'
               "<th>account</th><th>symbol</th><th>action</th><th>what</th></tr></thead><tbody>")
    for event in _head_tail_rows(events, 6, "events"):
        if isinstance(event, str):
            out.append(event)
            continue
        symbol = str(event.get("symbol") or event.get("isolated_symbol") or "")
        account, action = str(event.get("account") or ""), str(event.get("action") or "")
        out.append(f'<tr data-row data-seq="{event.get("seq")}" data-account="{escape(account)}" '
                   f'data-symbol="{escape(symbol)}" data-action="{escape(action)}"><td class="num">{event.get("seq")}'
                   f"</td><td class=\"time\">{time_text(int(event.get('time_ms') or 0))}</td><td>{escape(account)}</td>"
                   f"<td>{escape(symbol)}</td><td>{escape(action)}</td><td>{escape(event_summary(event))}</td></tr>")
    out += ["</tbody></table>", "</section>"]
    return out


def _journal_cells(row: JournalRow) -> str:
    answer = f"{row.status}"
    if row.code is not None:
        answer += f" {row.code} {row.msg}"
    explanation = f'<div class="explain">{escape(row.explanation)}</div>' if row.explanation else ""
    fault = f' <span class="meta">fault: {escape(row.fault)}</span>' if row.fault else ""
    params = f'<div class="meta"><code>{escape(row.params)}</code></div>' if row.params else ""
    return (f'<td class="num">{row.seq}</td><td class="time">{time_text(row.time_ms)}</td>'
            f'<td>{escape(row.account or "")}</td>'
            f"<td><code>{escape(row.method)} {escape(row.path)}</code>{params}</td>"
            f"<td>{escape(answer)}{fault}{explanation}</td>")


def _journal_row(row: JournalRow) -> str:
    css = ' class="rejected"' if row.rejected else ""
    return (f'<tr{css} data-row data-seq="{row.seq}" data-account="{escape(row.account or "")}" '
            f'data-path="{escape(row.path)}" data-status="{row.status}" data-rejected="{"1" if row.rejected else ""}">'
            f"{_journal_cells(row)}</tr>")


_JOURNAL_HEAD = ("<thead><tr><th>seq</th><th>time (UTC)</th><th>account</th><th>request</th>"
                 "<th>answer, and why</th></tr></thead><tbody>")


def _rejections(rows: HeadTail[JournalRow]) -> list[str]:
    out = ['<section id="rejections">', f"<h2>Rejections ({rows.total})</h2>"]
    if not rows.total:
        return out + ['<p class="note">No request was rejected.</p>', "</section>"]
    out.append('<p class="note">Each refused request with Binance\'s code and message, and the fake\'s '
               "explanation of what it checked.</p>")
    out.append(f'<table id="rejections-table" class="journal rejections">{_JOURNAL_HEAD}')
    for row in _head_tail_rows(rows, 5, "rejections"):
        out.append(row if isinstance(row, str) else _journal_row(row))
    out += ["</tbody></table>", "</section>"]
    return out


def _journal(rows: HeadTail[JournalRow]) -> list[str]:
    out = ['<section id="journal">', f"<h2>Request journal ({rows.total})</h2>"]
    if not rows.total:
        return out + ['<p class="note">No Binance request was made.</p>', "</section>"]
    shown = rows.head + list(rows.tail)
    out.append(_filter_bar("journal-table", [
        '<label><input type="checkbox" data-key="rejected"> rejections only</label>',
        _select("status", "status", (str(r.status) for r in shown)),
        _select("account", "account", (r.account or "" for r in shown)),
        '<label>path <input type="search" data-key="path" data-match="contains" placeholder="/sapi/v1/margin/…">'
        "</label>",
    ]))
    out.append(f'<table id="journal-table" class="journal">{_JOURNAL_HEAD}')
    for row in _head_tail_rows(rows, 5, "requests"):
        out.append(row if isinstance(row, str) else _journal_row(row))
    out += ["</tbody></table>", "</section>"]
    return out


def _balances(snapshot: dict[str, Any]) -> list[str]:
    accounts = snapshot.get("state", {}).get("accounts", {})
    out = ['<section id="balances">', "<h2>Balances at the end</h2>"]
    rows = []
    for name in sorted(accounts):
        account = accounts[name]
        for wallet, balances in _wallets(account):
            for asset in sorted(balances):
                b = balances[asset]
                values = [b.get(k, "0") for k in ("free", "locked", "borrowed", "interest")]
                if not any(_num(v) for v in values):
                    continue
                rows.append(f"<tr><td>{escape(name)}</td><td>{escape(wallet)}</td><td>{escape(asset)}</td>"
                            + "".join(f'<td class="num">{_num(v)}</td>' for v in values) + "</tr>")
    if not rows:
        return out + ['<p class="note">No balances.</p>', "</section>"]
    out.append("<table class=\"balances\"><thead><tr><th>account</th><th>wallet</th><th>asset</th><th>free</th>"
               "<th>locked</th><th>borrowed</th><th>interest</th></tr></thead><tbody>")
    out += rows[:MAX_ORDER_ROWS]
    out.append("</tbody></table>")
    if len(rows) > MAX_ORDER_ROWS:
        out.append(f'<p class="note">{len(rows) - MAX_ORDER_ROWS} more balances not shown.</p>')
    out.append("</section>")
    return out


def _wallets(account: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    """(wallet name, {asset: balance}) of an encoded account, whatever wallets it has."""
    found: list[tuple[str, dict[str, Any]]] = []
    cross = account.get("cross") or account.get("margin")
    if isinstance(cross, dict) and isinstance(cross.get("balances"), dict):
        found.append(("cross", cross["balances"]))
    isolated = account.get("isolated")
    if isinstance(isolated, dict):
        for symbol in sorted(isolated):
            pair = isolated[symbol]
            if isinstance(pair, dict) and isinstance(pair.get("balances"), dict):
                found.append((f"isolated {symbol}", pair["balances"]))
    spot = account.get("spot")
    if isinstance(spot, dict):
        balances = spot.get("balances", spot)
        if isinstance(balances, dict) and all(isinstance(v, dict) for v in balances.values()):
            found.append(("spot", balances))
    return found
