# The bot's one image: gateway, Rasa and the action server (compose.yml runs each as a role of
# bot/runtime/container.py). Everything is built here; nothing is installed or trained at run time.
#   docker build -t collections-bot .
# The model is trained during the build (`make model`), so an image always carries the model
# of its own code and data (the NLU components in bot/rasa/nlu are part of the model); mount
# another at /app/models/current.tar.gz to replace it.

FROM python:3.10-slim-bookworm AS build
# make for the Makefile; a compiler for any pinned package that comes as source only.
RUN apt-get update \
 && apt-get install -y --no-install-recommends make build-essential \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
ENV RASA_TELEMETRY_ENABLED=false TF_CPP_MIN_LOG_LEVEL=2 PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1
# The pinned requirements first: this layer is rebuilt only when they change.
COPY requirements.txt Makefile ./
RUN make install
COPY . .
RUN make model \
 && .venv/bin/python -m bot.runtime.container endpoints > endpoints.container.yml \
 && .venv/bin/python -m compileall -q bot actions \
 && rm -rf .stamps .rasa

FROM python:3.10-slim-bookworm
WORKDIR /app
ENV PATH=/app/.venv/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    RASA_TELEMETRY_ENABLED=false \
    TF_CPP_MIN_LOG_LEVEL=2 \
    LOG_FORMAT=json \
    GATEWAY_HOST=0.0.0.0 \
    GATEWAY_PORT=8080 \
    ACTION_PORT=5055
RUN useradd --system --uid 10001 --home-dir /app --no-create-home bot
COPY --from=build /app /app
RUN mkdir -p /app/var && chown bot /app/var
USER bot
EXPOSE 8080 5005 5055
ENTRYPOINT ["python", "-m", "bot.runtime.container"]
CMD ["gateway"]
