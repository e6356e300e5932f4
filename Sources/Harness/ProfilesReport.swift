import Foundation

extension Profiles {
    /// The tolerances the report's profiles use: 1e-1, 1e-2, 1e-3 (the paper's runs stop
    /// at an absolute eps, so tighter relative tolerances are often never reached).
    public static let reportTolerances = [1e-1, 1e-2, 1e-3]

    /// The report's profile section: every profile of `records` (gradient evaluations,
    /// ``reportTolerances``, every pruning level measured) written under
    /// `directory/profiles/`, and the HTML that shows them. When the profiles cannot be
    /// computed (for instance a trace without k = 0), the section says why instead; it is
    /// never silently left out.
    static func reportSection(_ records: [RunRecord], directory: String) throws -> (html: String, files: [String]) {
        let esc = SVGChart.escape
        var html = "<h2>Profiles</h2>\n"
        let profiles: [Profile]
        let set: Set
        do {
            set = try Set(records)
            profiles = try compute(set, cost: .gradients, tolerances: reportTolerances)
        } catch {
            return (html + "<p class=\"warn\">No profiles: \(esc("\(error)"))</p>\n", [])
        }
        let files = try write(profiles, to: directory + "/profiles").map { "profiles/" + $0 }
        html += "<p>Over \(set.instances.count) instances (problem, run) and the solvers \(esc(set.solvers.joined(separator: ", "))); cost: gradient evaluations to reach ‖g‖ ≤ τ‖g₀‖. "
        if !set.incomplete.isEmpty { html += "<span class=\"warn\">\(set.incomplete.count) instances lack a solver's result and are left out.</span> " }
        html += "Curves as <a href=\"profiles/profiles.csv\">CSV</a>; `problemsuite profile` draws them over several experiments.</p>\n"
        for p in profiles { html += "<img src=\"profiles/\(p.stem).svg\" width=\"480\" alt=\"\(esc(p.title))\">\n" }
        return (html, files)
    }
}
