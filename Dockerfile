# mock-exchange: the fake Binance margin API as a container for CI.
#   docker build -t mock-exchange .
#   docker run --rm -p 8080:8080 -e MOCK_EXCHANGE_CONTROL_TOKEN=secret mock-exchange
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

WORKDIR /src
# Only what the install reads, so edits to tests or docs do not invalidate the layer.
COPY pyproject.toml README.md ./
COPY mock_exchange ./mock_exchange
# The reference client too: `mock-exchange` imports it for its `scenario` commands.
COPY client ./client
# Install, then drop the sources so the installed packages are the only copy on the path.
RUN pip install . ./client \
    && rm -rf /src \
    && useradd --system --uid 10001 --create-home --shell /usr/sbin/nologin exchange

USER exchange
WORKDIR /home/exchange
EXPOSE 8080 8081

# The slim image has no curl: probe the health endpoint with the interpreter it already has.
HEALTHCHECK --interval=2s --timeout=3s --start-period=5s --retries=15 \
    CMD ["python", "-c", "import sys, urllib.request; sys.exit(0 if urllib.request.urlopen('http://127.0.0.1:8080/mock/v1/health', timeout=2).status == 200 else 1)"]

# Beyond loopback the control API needs a token: set MOCK_EXCHANGE_CONTROL_TOKEN (else one is
# generated and printed at start-up).
ENTRYPOINT ["mock-exchange"]
CMD ["serve", "--host", "0.0.0.0", "--port", "8080", "--ws-port", "8081"]
