"""Who is asking, and what they may see: principals, station scopes, the role rules."""

from core.access.principal import ANONYMOUS, Principal, system_principal
from core.access.scope import PUBLIC_SCOPE, StationScope

__all__ = ["ANONYMOUS", "PUBLIC_SCOPE", "Principal", "StationScope", "system_principal"]
