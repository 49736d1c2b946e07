"""Everything that runs inside Rasa: the gateway's input channel and the NLU components
(`nlu/`), plus the evaluation of a trained model."""
