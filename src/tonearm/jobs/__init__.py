"""Background jobs: model, registry, runners (local, Celery), scheduler, progress events."""
