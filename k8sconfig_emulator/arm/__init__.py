"""ARM request handlers: plain functions ``(services, ctx) -> Reply``."""
