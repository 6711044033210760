"""What the model is asked: the templates, and a unit shown with its context within a budget."""
