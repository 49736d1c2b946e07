"""The trainers' review inbox (CONTRACT §10): the borrower messages the model was unsure of,
fell back on, or that ended in a handoff, put in once each (recording, in the borrower's
language: languages); listed for trainers without personal data (query, inbox, masking);
settled as an example of an intent of the domain or discarded (settling, intents); and written
into the training data by `python -m bot training export` (export, known, nlu_files)."""
