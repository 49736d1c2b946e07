"""The trained model, asked for each message's intent, every parse timed."""
from __future__ import annotations

import asyncio
import logging
import time
from pathlib import Path


class Parser:
    def __init__(self, model: Path) -> None:
        from rasa.core.agent import Agent
        from rasa.utils.common import configure_logging_and_warnings
        from rasa.utils.log_utils import configure_structlog

        # Agent.load outside the rasa command line would log every parse at debug level.
        configure_logging_and_warnings(logging.WARNING)
        configure_structlog(logging.WARNING)
        self.agent = Agent.load(str(model))
        self.times_ms: list[float] = []

    def intents(self, texts: list[str]) -> list[str]:
        return asyncio.run(self._intents(texts))

    async def _intents(self, texts: list[str]) -> list[str]:
        names = []
        for text in texts:
            started = time.perf_counter()
            result = await self.agent.parse_message(text)
            self.times_ms.append((time.perf_counter() - started) * 1000)
            names.append(result["intent"]["name"])
        return names
