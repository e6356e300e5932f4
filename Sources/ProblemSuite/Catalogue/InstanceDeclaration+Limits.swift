extension InstanceDeclaration {
    /// Throws unless the settings' `nR` is at most `dimension` (the instance's number of
    /// unknowns): the error names the instance and the key `nR`.
    public func checkRelevantCount(dimension: Int) throws {
        let nR = settings.relevantCount
        guard nR <= dimension else {
            throw ProblemSuiteError.invalidParameter(
                file: file, context: "instance \"\(name)\" [settings]", key: "nR", value: String(nR),
                reason: "nR = \(nR) relevant components exceed the instance's dimension n = \(dimension)")
        }
    }
}
