// The value types every module of the suite speaks — `ProblemSuiteError`,
// `ParameterValue` and `ParameterTable`, `SizeLimits` — live in the internal
// `_ProblemSuiteSupport` target beside the package's plumbing (gzip, sha256, TOML and
// decimal parsing, all `package` access), and are part of this module's API through this
// re-export: `import ProblemSuite` is all a user writes.
@_exported import _ProblemSuiteSupport
