"""The audit log of every change: who, when, what, before and after."""

from core.audit.service import list_audit_events, record_change

__all__ = ["list_audit_events", "record_change"]
