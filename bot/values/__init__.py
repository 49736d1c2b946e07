"""Finding and normalising values in borrower text (pure Python, no Rasa): see extract.py."""
from bot.values.extract import Value, extract_values

__all__ = ["Value", "extract_values"]
