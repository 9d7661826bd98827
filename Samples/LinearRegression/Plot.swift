// A tiny hand-written SVG scatter plot: no plotting library, just text.
import Foundation

/// A learned line y = w·x + b, drawn in `color` and named in the legend.
struct Line {
    let label: String
    let w: Float
    let b: Float
    let color: String
}

/// One chart: a title, the data points, and the learned lines over them.
struct Panel {
    let title: String
    let x: [Float]
    let y: [Float]
    let lines: [Line]
}

private let panelWidth = 460.0, panelHeight = 360.0, margin = 50.0

/// Renders the panels side by side as a complete SVG document.
func svgDocument(panels: [Panel]) -> String {
    let width = panelWidth * Double(panels.count)
    var svg = """
        <svg xmlns="http://www.w3.org/2000/svg" width="\(Int(width))" height="\(Int(panelHeight))" \
        font-family="sans-serif" font-size="12">
        <rect width="100%" height="100%" fill="white"/>

        """
    for (index, panel) in panels.enumerated() {
        svg += "<g transform=\"translate(\(Double(index) * panelWidth), 0)\">\n"
        svg += panelBody(panel, id: "panel\(index)")
        svg += "</g>\n"
    }
    return svg + "</svg>\n"
}

/// Axes with their end values, the points, the lines (each dashed differently, since the
/// variants agree closely and would hide one another) and a legend.
private func panelBody(_ panel: Panel, id: String) -> String {
    let xs = panel.x.map(Double.init), ys = panel.y.map(Double.init)
    let (x0, x1) = paddedRange(xs)
    let (y0, y1) = paddedRange(ys)
    let plotWidth = panelWidth - 2 * margin, plotHeight = panelHeight - 2 * margin
    func px(_ x: Double) -> String { number(margin + (x - x0) / (x1 - x0) * plotWidth) }
    func py(_ y: Double) -> String { number(panelHeight - margin - (y - y0) / (y1 - y0) * plotHeight) }

    var s = "<text x=\"\(panelWidth / 2)\" y=\"\(margin / 2)\" text-anchor=\"middle\" font-size=\"15\">\(panel.title)</text>\n"
    s += "<clipPath id=\"clip-\(id)\"><rect x=\"\(margin)\" y=\"\(margin)\" width=\"\(plotWidth)\" height=\"\(plotHeight)\"/></clipPath>\n"
    // Axes along the bottom and the left, labelled with the ends of their ranges.
    s += "<path d=\"M\(margin),\(margin) V\(panelHeight - margin) H\(panelWidth - margin)\" stroke=\"black\" fill=\"none\"/>\n"
    s += "<text x=\"\(margin)\" y=\"\(panelHeight - margin + 16)\" text-anchor=\"middle\">\(number(x0))</text>\n"
    s += "<text x=\"\(panelWidth - margin)\" y=\"\(panelHeight - margin + 16)\" text-anchor=\"middle\">\(number(x1))</text>\n"
    s += "<text x=\"\(panelWidth / 2)\" y=\"\(panelHeight - margin + 30)\" text-anchor=\"middle\">x</text>\n"
    s += "<text x=\"\(margin - 6)\" y=\"\(panelHeight - margin)\" text-anchor=\"end\">\(number(y0))</text>\n"
    s += "<text x=\"\(margin - 6)\" y=\"\(margin + 4)\" text-anchor=\"end\">\(number(y1))</text>\n"
    s += "<text x=\"\(margin - 30)\" y=\"\(panelHeight / 2)\" text-anchor=\"middle\">y</text>\n"

    let radius = xs.count > 100 ? 1.5 : 4
    for (x, y) in zip(xs, ys) {
        s += "<circle cx=\"\(px(x))\" cy=\"\(py(y))\" r=\"\(radius)\" fill=\"gray\" fill-opacity=\"0.5\"/>\n"
    }
    let dashes = ["", "8,4", "2,3"], widths = [5.0, 2.5, 2.0]
    for (k, line) in panel.lines.enumerated() {
        let (w, b) = (Double(line.w), Double(line.b))
        let dash = dashes[k % 3].isEmpty ? "" : " stroke-dasharray=\"\(dashes[k % 3])\""
        let style = "stroke=\"\(line.color)\" stroke-width=\"\(widths[k % 3])\"\(dash)"
        s += "<line x1=\"\(px(x0))\" y1=\"\(py(w * x0 + b))\" x2=\"\(px(x1))\" y2=\"\(py(w * x1 + b))\" "
        s += "\(style) clip-path=\"url(#clip-\(id))\"/>\n"
        let legendY = margin + 14 + Double(k) * 18
        s += "<line x1=\"\(margin + 10)\" y1=\"\(legendY - 4)\" x2=\"\(margin + 40)\" y2=\"\(legendY - 4)\" "
        s += "\(style)/>\n"
        let equation = "y = \(String(format: "%.3f", w))x \(b < 0 ? "−" : "+") \(String(format: "%.3f", abs(b)))"
        s += "<text x=\"\(margin + 46)\" y=\"\(legendY)\">\(line.label): \(equation)</text>\n"
    }
    return s
}

/// A coordinate or axis value with one decimal, which keeps the file small.
private func number(_ value: Double) -> String { String(format: "%.1f", value) }

/// The range of the values, widened by 5% on each side so no point sits on an axis.
private func paddedRange(_ values: [Double]) -> (Double, Double) {
    let low = values.min() ?? 0, high = values.max() ?? 1
    let pad = Swift.max(high - low, 1e-6) * 0.05
    return (low - pad, high + pad)
}
