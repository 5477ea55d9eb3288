"""Search settings: Django settings of these names win, else the environment, else the
default. (Read here, not in entrepot.config.settings, until they are moved there.)

ENTREPOT_SEARCH_SEMANTIC      1 (default) blends in multilingual embeddings; 0 keywords only
ENTREPOT_SEARCH_EMBED_THREADS threads of the embedding model per process (default 1)
ENTREPOT_SEARCH_RATE_LIMIT    API searches per IP address per minute (default 120)
ENTREPOT_SEARCH_SAVE_INDEX    1 (default) saves the semantic index under DATA_DIR/search/
"""

from __future__ import annotations

from django.conf import settings

from entrepot.config.env import env_bool, env_int


def semantic_enabled() -> bool:
    return getattr(settings, "ENTREPOT_SEARCH_SEMANTIC", env_bool("ENTREPOT_SEARCH_SEMANTIC", True))


def embed_threads() -> int:
    return getattr(
        settings, "ENTREPOT_SEARCH_EMBED_THREADS", env_int("ENTREPOT_SEARCH_EMBED_THREADS", 1)
    )


def rate_limit_per_minute() -> int:
    return getattr(
        settings, "ENTREPOT_SEARCH_RATE_LIMIT", env_int("ENTREPOT_SEARCH_RATE_LIMIT", 120)
    )


def save_index() -> bool:
    return getattr(
        settings, "ENTREPOT_SEARCH_SAVE_INDEX", env_bool("ENTREPOT_SEARCH_SAVE_INDEX", True)
    )
