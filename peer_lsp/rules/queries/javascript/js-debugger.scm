; debugger;
(debugger_statement) @report
