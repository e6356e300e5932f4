// The numerical kernels live in the internal target `_ProblemSuiteKernels` (not a
// product; its declarations are `package` except `Parallel`). Re-exported so that
// `import ProblemSuite` keeps giving `Parallel` to users, and the suite's own code
// the kernels, without a second import.
@_exported import _ProblemSuiteKernels
