import Foundation

/// Sizes on demand: an instance loaded with some of its declared parameters replaced,
/// without a new problem file, as CUTEst and S2MPJ set sizes by parameter at load time.
///
/// A problem name may carry parameters in brackets, `A1[n=8192,m=2048]`: the instance
/// `A1` as its file declares it, with `n = 8192` and `m = 2048` instead. The keys are the
/// family's instance keys (``ProblemFamily/instanceKeys``); the family validates the
/// result exactly as it validates the file (same bounds, same messages naming the file,
/// the instance and the key). The loaded problem is named canonically, keys sorted
/// (`A1[m=2048,n=8192]`): that name, and the parameters in its metadata, are what results
/// and their fingerprints record. The command line's `--param key=value` does the same to
/// every problem it names.
public enum LoadTimeParameters {
    /// The most parameters one name may carry.
    public static let maxCount = 32

    /// Splits `A1[n=8192,m=2048]` into `A1` and its parameters; a name without brackets
    /// has none.
    /// - Throws: `ProblemSuiteError/invalidRequest(_:)` for an unbalanced bracket, a
    ///   pair without `=`, an empty key or value, a key given twice, or more than
    ///   ``maxCount`` pairs.
    public static func split(_ name: String) throws -> (base: String, parameters: [String: ParameterValue]) {
        guard let open = name.firstIndex(of: "[") else {
            guard !name.contains("]") else { throw ProblemSuiteError.invalidRequest("problem name \(name): ']' without '['") }
            return (name, [:])
        }
        guard name.hasSuffix("]"), name.firstIndex(of: "]") == name.index(before: name.endIndex) else {
            throw ProblemSuiteError.invalidRequest("problem name \(name): parameters are written NAME[key=value,...], with one ']' at the end")
        }
        let base = String(name[..<open])
        guard !base.isEmpty else { throw ProblemSuiteError.invalidRequest("problem name \(name): no name before '['") }
        let inner = name[name.index(after: open)..<name.index(before: name.endIndex)]
        return (base, try pairs(inner.split(separator: ",", omittingEmptySubsequences: false).map(String.init), what: "problem name \(name)"))
    }

    /// Reads `key=value` pairs (`ParameterValue/literal(_:)` values).
    /// - Throws: as ``split(_:)``, naming `what`.
    public static func pairs(_ items: [String], what: String) throws -> [String: ParameterValue] {
        guard items.count <= maxCount else { throw ProblemSuiteError.invalidRequest("\(what): more than \(maxCount) parameters") }
        var out: [String: ParameterValue] = [:]
        for item in items {
            let parts = item.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let key = parts[0].trimmingCharacters(in: .whitespaces)
            guard parts.count == 2, !key.isEmpty else { throw ProblemSuiteError.invalidRequest("\(what): '\(item)' is not key=value") }
            let value = parts[1].trimmingCharacters(in: .whitespaces)
            guard !value.isEmpty else { throw ProblemSuiteError.invalidRequest("\(what): '\(key)' has no value") }
            guard out[key] == nil else { throw ProblemSuiteError.invalidRequest("\(what): '\(key)' is given twice") }
            out[key] = ParameterValue.literal(value)
        }
        return out
    }

    /// The canonical name of `base` with `parameters`: keys sorted, strings unquoted.
    public static func name(_ base: String, _ parameters: [String: ParameterValue]) -> String {
        guard !parameters.isEmpty else { return base }
        return base + "[" + parameters.keys.sorted().map { key -> String in
            if case .string(let s) = parameters[key]! { return "\(key)=\(s)" }
            return "\(key)=\(parameters[key]!)"
        }.joined(separator: ",") + "]"
    }
}

extension ParameterValue {
    /// A value typed on the command line: an integer if it reads as one, then a finite
    /// number, `true`/`false`, else a string (`gaussian`).
    public static func literal(_ text: String) -> ParameterValue {
        if let i = Int(text) { return .int(i) }
        if let d = Double(text), d.isFinite, text.contains(where: { $0.isNumber }) { return .double(d) }
        if text == "true" || text == "false" { return .bool(text == "true") }
        return .string(text)
    }
}

extension ProblemEntry {
    /// This instance with `parameters` replacing the declared ones (sizes on demand; see
    /// ``LoadTimeParameters``). An empty table returns the entry itself.
    /// - Throws: `ProblemSuiteError/invalidRequest(_:)` when the entry was not read
    ///   from a problem file (no declaration to re-validate);
    ///   `ProblemSuiteError/invalidParameter(file:context:key:value:reason:)` for a key
    ///   the family does not have (with the closest), or a value the family rejects.
    public func withParameters(_ parameters: [String: ParameterValue]) throws -> ProblemEntry {
        guard !parameters.isEmpty else { return self }
        guard let declaration, let family else {
            throw ProblemSuiteError.invalidRequest("problem \(name) takes no load-time parameters: it was not declared in a problem file")
        }
        let base = (try? LoadTimeParameters.split(name).base) ?? name
        var given = self.loadTimeParameters
        for (k, v) in parameters { given[k] = v }
        let newName = LoadTimeParameters.name(base, given)
        let context = "instance \"\(base)\", loaded as \(newName)"
        try ParameterTable(parameters, file: declaration.file, context: context)
            .rejectUnknownKeys(allowed: family.instanceKeys)
        var values = declaration.parameters.values
        for (k, v) in parameters { values[k] = v }
        let d = InstanceDeclaration(name: newName, aliases: [], parameters: ParameterTable(values, file: declaration.file, context: context),
                                    settings: declaration.settings, file: declaration.file)
        var entry = try family.entry(for: d)
        entry.declaration = d
        entry.family = family
        entry.loadTimeParameters = given
        return entry
    }
}

