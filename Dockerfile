# One image for Frontdoor's Python services: the Rasa server, the action server, the console
# and the store's migrations. docker-compose.yml says which one each container runs (the
# commands in frontdoor/runner.py). The trained model is built in: run `make train` first.
FROM python:3.11-slim-bookworm

ENV PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    RASA_TELEMETRY_ENABLED=false \
    SQLALCHEMY_SILENCE_UBER_WARNING=1 \
    VIRTUAL_ENV=/opt/venv \
    PATH=/opt/venv/bin:$PATH \
    PYTHONPATH=/app \
    HOME=/home/frontdoor

RUN useradd --system --create-home --home-dir /home/frontdoor frontdoor \
    && python -m venv /opt/venv \
    && /opt/venv/bin/pip install --no-cache-dir uv

WORKDIR /app

# The pinned dependencies first, so that a change to the code alone reuses this layer.
COPY requirements.txt pyproject.toml README.md ./
RUN uv pip install --no-cache --python /opt/venv/bin/python -r requirements.txt

COPY . .
RUN uv pip install --no-cache --python /opt/venv/bin/python --no-deps -e . \
    && test -f models/frontdoor.tar.gz \
    && mkdir -p /var/lib/frontdoor/outbox \
    && chown -R frontdoor /var/lib/frontdoor

USER frontdoor
