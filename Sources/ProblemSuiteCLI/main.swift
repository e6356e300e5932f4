import ProblemSuiteCommandLine

// The suite's own command: the built-in families and solvers (see ProblemSuiteCLI.main).
ProblemSuiteCommandLine.ProblemSuiteCLI.main()
