"""What happens to every answer once it is made, in order: explanation, request log, journal.

Registered as the app's one ``after_request`` function, so the order is written here
rather than implied by the order hooks were added in: the explanation first (the log line
and the journal entry show it), then the log line, then the journal entry. It runs for
every request, a Binance endpoint's (whose context the pipeline filled) or not (an unknown
path, the control API: a context with no endpoint, or none at all).
"""

from __future__ import annotations

from flask import Request, Response, request

from mock_exchange.control.recorder import record_request
from mock_exchange.web.explain import explain_response
from mock_exchange.web.request_context import RequestContext, current_context, open_context
from mock_exchange.web.request_log import record_of
from mock_exchange.web.runtime import ExchangeRuntime, current_runtime


def after_answer(response: Response) -> Response:
    received = request._get_current_object()  # type: ignore[attr-defined]  # one proxy lookup
    return finish_answer(response, current_runtime(), received, current_context())


def finish_answer(response: Response, runtime: ExchangeRuntime, received: Request,
                  context: RequestContext | None) -> Response:
    """The after-answer stages for ``received``; a rejection's explanation needs its Flask request context."""
    if response.status_code >= 400:
        context = context or open_context(received.environ)  # an unknown path's explanation is kept for the journal
        explain_response(response, runtime, context)
    if runtime.request_log is not None:
        runtime.request_log.write(record_of(response, context, received))
    if runtime.journal is not None:
        record_request(response, runtime, context, received)
    return response
