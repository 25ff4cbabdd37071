# mock-exchange: the fake Binance margin API as a container for CI.
#   docker build -t mock-exchange .
#   docker run --rm -p 127.0.0.1:8080:8080 -e MOCK_EXCHANGE_CONTROL_TOKEN=secret mock-exchange
# The base is a build argument: any image with Python >= 3.11 and its venv module, e.g. a
# mirror of python:3.11-slim where Docker Hub is out of reach, or a Debian 12 image
# (`make test-container` builds one from Debian packages: tests/container/local_base.py).
ARG BASE_IMAGE=python:3.11-slim
FROM ${BASE_IMAGE}

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    VIRTUAL_ENV=/opt/mock-exchange \
    PATH=/opt/mock-exchange/bin:$PATH

WORKDIR /src
# Only what the install reads, so edits to tests or docs do not invalidate the layer.
COPY pyproject.toml README.md ./
COPY mock_exchange ./mock_exchange
# The reference client's package ships in the same distribution (the `scenario` commands use it).
COPY client ./client
# A virtual environment: the same install on the slim image and on a distribution's Python
# (which refuses system-wide pip installs). Then drop the sources so the installed packages
# are the only copy on the path.
RUN python3 -m venv /opt/mock-exchange \
    && pip install . \
    && rm -rf /src \
    && useradd --system --uid 10001 --create-home --shell /usr/sbin/nologin exchange

USER exchange
WORKDIR /home/exchange
# 8080: Binance's HTTP paths, the control API (/mock/v1/) and health; 8081: the same app with
# the user data stream WebSockets (/ws/<listenKey>, /ws-api/v3).
EXPOSE 8080 8081

# No curl in the slim image: probe the health endpoint with the interpreter it already has.
HEALTHCHECK --interval=2s --timeout=3s --start-period=5s --retries=15 \
    CMD ["python", "-c", "import sys, urllib.request; sys.exit(0 if urllib.request.urlopen('http://127.0.0.1:8080/mock/v1/health', timeout=2).status == 200 else 1)"]

# As PID 1 the server gets no default SIGTERM action, so `docker stop` would wait and then kill
# it; SIGINT stops it at once, cleanly (exit 0).
STOPSIGNAL SIGINT

# It binds 0.0.0.0 (beyond loopback), so the control API always needs a token: set
# MOCK_EXCHANGE_CONTROL_TOKEN, else one is generated and printed at start-up.
ENTRYPOINT ["mock-exchange"]
CMD ["serve", "--host", "0.0.0.0", "--port", "8080", "--ws-port", "8081"]
