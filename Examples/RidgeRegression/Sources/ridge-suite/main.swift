// `problemsuite` with every subcommand, plus this package's family and solver:
//   ridge-suite list --families --problems-dir Problems
//   ridge-suite run --problems-dir Problems RIDGE1 --solvers gd adagrad
import ProblemSuiteCommandLine
import Ridge

ProblemSuiteCLI.main(families: FamilyRegistry.standard + [RidgeFamily.self],
                     solvers: try! SolverRegistry.standard.adding(RidgeSolvers.gradientDescent))
