"""The project's own Rasa NLU components (imported by config.yml by module path)."""
