; defer (the check looks for a for loop around it in the same function).
(defer_statement) @report
