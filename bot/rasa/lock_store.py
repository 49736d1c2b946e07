"""Rasa's RedisLockStore, except that letting go of a lock never fails a message Rasa handled.

endpoints.yml names this class (LOCK_STORE_TYPE, bot/runtime/stores.py) wherever Rasa's lock
store is Redis. Rasa 3.6 lets go of a conversation's lock in a `finally` once the message is
handled; should Redis go away meanwhile, that raises, the gateway channel answers 500, and the
gateway keeps the message to send again: a message whose tracker was saved and whose actions
ran would be handled twice. So a failed clean-up is logged and left: the ticket expires by
itself (TICKET_LOCK_LIFETIME, 60 s). Taking the lock still fails while Redis is down: then
nothing was handled, and the 500 (the message kept for later) is right.
"""
from __future__ import annotations

import logging

from rasa.core import lock_store
from rasa.utils.endpoints import EndpointConfig
from redis.exceptions import RedisError  # type: ignore[import-untyped]

logger = logging.getLogger(__name__)


class RedisLockStore(lock_store.RedisLockStore):
    def __init__(self, endpoint_config: EndpointConfig) -> None:
        # As Rasa builds its own for `type: redis` (rasa.core.lock_store._create_from_endpoint_config).
        super().__init__(host=endpoint_config.url or "localhost", **endpoint_config.kwargs)

    def cleanup(self, conversation_id: str, ticket_number: int) -> None:
        try:
            super().cleanup(conversation_id, ticket_number)
        except RedisError as error:
            logger.warning("could not let go of the lock of conversation %s (%s); its ticket "
                           "expires by itself", conversation_id, error)
