"""`peer check`: the headless front door (walk, analyse, report, exit code)."""
