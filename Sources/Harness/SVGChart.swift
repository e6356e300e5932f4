import Foundation

/// A small line chart written as standalone SVG (no dependencies), for the report's
/// figures: one polyline per series, linear or logarithmic y axis, ticks and a legend.
///
/// Series are told apart by more than colour: each has its own marker shape (drawn at
/// a few points, staggered between series) and, unless it has an explicit colour group,
/// its own dash pattern, so lines of solvers that coincide stay visible and the chart
/// reads in grey scale.
public struct SVGChart {
    public struct Series {
        public var name: String
        public var points: [(x: Double, y: Double)]
        public var dashed: Bool
        /// Palette index; by default the series' position. Series of one solver share it.
        public var color: Int?
        public init(name: String, points: [(x: Double, y: Double)], dashed: Bool = false, color: Int? = nil) {
            self.name = name
            self.points = points
            self.dashed = dashed
            self.color = color
        }
    }

    public var title: String
    public var xLabel: String
    public var yLabel: String
    public var logY: Bool
    public var series: [Series]
    public var width = 640.0
    public var height = 400.0
    /// A fixed range of the (linear) y axis, widened to hold every point; nil (default):
    /// the data's own range. Profiles use 0...1.
    public var yRange: (low: Double, high: Double)? = nil

    public init(title: String, xLabel: String, yLabel: String, logY: Bool = false, series: [Series]) {
        self.title = title
        self.xLabel = xLabel
        self.yLabel = yLabel
        self.logY = logY
        self.series = series
    }

    static let palette = ["#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2", "#17becf", "#7f7f7f", "#bcbd22"]

    static func escape(_ s: String) -> String {
        s.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;").replacingOccurrences(of: ">", with: "&gt;")
    }

    static func label(_ v: Double) -> String {
        if v == 0 { return "0" }
        let a = abs(v)
        if a >= 1e4 || a < 1e-2 { return String(format: "%.0e", v) }
        if a >= 10 || v == v.rounded() { return String(format: "%.0f", v) }
        return String(format: "%.2g", v)
    }

    /// "Nice" linear ticks covering [lo, hi].
    static func ticks(_ lo: Double, _ hi: Double, count: Int = 5) -> [Double] {
        guard hi > lo else { return [lo] }
        let raw = (hi - lo) / Double(count)
        let mag = pow(10, floor(log10(raw)))
        let step = [1.0, 2, 5, 10].map { $0 * mag }.first { $0 >= raw } ?? 10 * mag
        var t = ceil(lo / step) * step
        var out: [Double] = []
        while t <= hi + step * 1e-9 { out.append(abs(t) < step * 1e-9 ? 0 : t); t += step }
        return out
    }

    /// Dash patterns cycled over series without a colour group (solid first).
    static let dashes = ["", "7,3", "2,2", "9,3,2,3"]

    static func dash(for s: Series, index i: Int) -> String {
        if s.dashed { return "5,3" }
        if s.color != nil { return "" }
        return dashes[i % dashes.count]
    }

    /// Marker `i` (circle, square, triangle, diamond, cross, plus, inverted triangle,
    /// cycled) centred at (x, y).
    static func marker(_ i: Int, x: Double, y: Double, color: Color) -> String {
        let r = 3.2
        func pts(_ p: [(Double, Double)]) -> String { p.map { String(format: "%.1f,%.1f", x + $0.0, y + $0.1) }.joined(separator: " ") }
        switch i % 7 {
        case 0: return String(format: "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"%.1f\" fill=\"\(color)\"/>", x, y, r)
        case 1: return String(format: "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"\(color)\"/>", x - r, y - r, 2 * r, 2 * r)
        case 2: return "<polygon points=\"\(pts([(0, -r - 0.8), (r + 0.4, r), (-r - 0.4, r)]))\" fill=\"\(color)\"/>"
        case 3: return "<polygon points=\"\(pts([(0, -r - 0.8), (r + 0.8, 0), (0, r + 0.8), (-r - 0.8, 0)]))\" fill=\"white\" stroke=\"\(color)\" stroke-width=\"1.5\"/>"
        case 4: return "<polyline points=\"\(pts([(-r, -r), (r, r)]))\" stroke=\"\(color)\" stroke-width=\"1.8\"/><polyline points=\"\(pts([(-r, r), (r, -r)]))\" stroke=\"\(color)\" stroke-width=\"1.8\"/>"
        case 5: return "<polyline points=\"\(pts([(-r - 0.5, 0), (r + 0.5, 0)]))\" stroke=\"\(color)\" stroke-width=\"1.8\"/><polyline points=\"\(pts([(0, -r - 0.5), (0, r + 0.5)]))\" stroke=\"\(color)\" stroke-width=\"1.8\"/>"
        default: return "<polygon points=\"\(pts([(0, r + 0.8), (r + 0.4, -r), (-r - 0.4, -r)]))\" fill=\"white\" stroke=\"\(color)\" stroke-width=\"1.5\"/>"
        }
    }

    typealias Color = String

    public func render() -> String {
        let left = 70.0, right = 150.0, top = 36.0, bottom = 50.0
        let pw = width - left - right, ph = height - top - bottom
        let all = series.flatMap(\.points).filter { $0.x.isFinite && $0.y.isFinite && (!logY || $0.y > 0) }
        var svg = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(Int(width))\" height=\"\(Int(height))\" font-family=\"Helvetica,Arial,sans-serif\" font-size=\"11\">\n"
        svg += "<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n"
        svg += "<text x=\"\(left + pw / 2)\" y=\"20\" text-anchor=\"middle\" font-size=\"13\">\(SVGChart.escape(title))</text>\n"
        guard !all.isEmpty else {
            svg += "<text x=\"\(left + pw / 2)\" y=\"\(top + ph / 2)\" text-anchor=\"middle\">no data</text>\n</svg>\n"
            return svg
        }
        var x0 = all.map(\.x).min()!, x1 = all.map(\.x).max()!
        if x1 == x0 { x0 -= 1; x1 += 1 }
        let ty: (Double) -> Double = logY ? { log10($0) } : { $0 }
        var y0 = all.map { ty($0.y) }.min()!, y1 = all.map { ty($0.y) }.max()!
        if logY { y0 = floor(y0); y1 = ceil(y1) }
        if !logY, let r = yRange { y0 = min(y0, r.low); y1 = max(y1, r.high) }
        if y1 == y0 { y0 -= 1; y1 += 1 }
        func px(_ x: Double) -> Double { left + (x - x0) / (x1 - x0) * pw }
        func py(_ y: Double) -> Double { top + ph - (ty(y) - y0) / (y1 - y0) * ph }
        svg += "<rect x=\"\(left)\" y=\"\(top)\" width=\"\(pw)\" height=\"\(ph)\" fill=\"none\" stroke=\"#333\"/>\n"
        for t in SVGChart.ticks(x0, x1) {
            let x = px(t)
            svg += "<line x1=\"\(x)\" y1=\"\(top + ph)\" x2=\"\(x)\" y2=\"\(top + ph + 4)\" stroke=\"#333\"/>"
            svg += "<text x=\"\(x)\" y=\"\(top + ph + 16)\" text-anchor=\"middle\">\(SVGChart.label(t))</text>\n"
        }
        let yTicks: [Double] = logY
            ? stride(from: y0, through: y1, by: max(1, ((y1 - y0) / 6).rounded(.up))).map { pow(10, $0) }
            : SVGChart.ticks(y0, y1)
        for t in yTicks {
            let y = py(t)
            svg += "<line x1=\"\(left)\" y1=\"\(y)\" x2=\"\(left + pw)\" y2=\"\(y)\" stroke=\"#ddd\"/>"
            svg += "<text x=\"\(left - 6)\" y=\"\(y + 4)\" text-anchor=\"end\">\(SVGChart.label(t))</text>\n"
        }
        svg += "<text x=\"\(left + pw / 2)\" y=\"\(height - 12)\" text-anchor=\"middle\">\(SVGChart.escape(xLabel))</text>\n"
        svg += "<text transform=\"translate(16,\(top + ph / 2)) rotate(-90)\" text-anchor=\"middle\">\(SVGChart.escape(yLabel))</text>\n"
        for (i, s) in series.enumerated() {
            let color = SVGChart.palette[(s.color ?? i) % SVGChart.palette.count]
            let dash = SVGChart.dash(for: s, index: i)
            let dashAttribute = dash.isEmpty ? "" : " stroke-dasharray=\"\(dash)\""
            let pts = s.points.filter { $0.x.isFinite && $0.y.isFinite && (!logY || $0.y > 0) }
            if !pts.isEmpty {
                let path = pts.map { String(format: "%.1f,%.1f", px($0.x), py($0.y)) }.joined(separator: " ")
                svg += "<polyline fill=\"none\" stroke=\"\(color)\" stroke-width=\"1.5\"\(dashAttribute) points=\"\(path)\"/>\n"
                // A few markers per line, staggered so that coinciding lines show each marker.
                let m = min(8, pts.count)
                var used = Set<Int>()
                for j in 0..<m {
                    let f = (Double(j) + Double(i + 1) / Double(series.count + 1)) / Double(m)
                    let at = min(pts.count - 1, Int((f * Double(pts.count - 1)).rounded()))
                    guard used.insert(at).inserted else { continue }
                    svg += SVGChart.marker(i, x: px(pts[at].x), y: py(pts[at].y), color: color)
                }
                svg += "\n"
            }
            let ly = top + 10 + Double(i) * 16
            svg += "<line x1=\"\(left + pw + 10)\" y1=\"\(ly)\" x2=\"\(left + pw + 38)\" y2=\"\(ly)\" stroke=\"\(color)\" stroke-width=\"2\"\(dashAttribute)/>"
            svg += SVGChart.marker(i, x: left + pw + 24, y: ly, color: color)
            svg += "<text x=\"\(left + pw + 43)\" y=\"\(ly + 4)\">\(SVGChart.escape(s.name))</text>\n"
        }
        svg += "</svg>\n"
        return svg
    }
}
