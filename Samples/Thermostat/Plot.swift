// A small hand-written SVG chart of temperature traces: no plotting library, just text.
import Foundation

/// One trace of the chart: the temperature after each step, and how to draw it.
struct Trace {
    /// Dots for measurements, lines for simulations.
    enum Style {
        case dots, dashedLine, solidLine
    }

    let label: String
    let temperatures: [Float]
    let color: String
    let style: Style
}

private let width = 760.0, height = 420.0, margin = 60.0

/// A complete SVG document plotting the traces against the step, with labelled axes and a legend.
func svgDocument(plotting traces: [Trace]) -> String {
    let values = traces.flatMap(\.temperatures).map(Double.init)
    let low = (values.min() ?? 0).rounded(.down)
    let high = max((values.max() ?? 1).rounded(.up), low + 1)
    let count = traces.map(\.temperatures.count).max() ?? 1
    let plotWidth = width - 2 * margin, plotHeight = height - 2 * margin
    func x(_ step: Int) -> Double { margin + Double(step) / Double(count) * plotWidth }
    func y(_ temperature: Double) -> Double { height - margin - (temperature - low) / (high - low) * plotHeight }

    var svg = """
        <svg xmlns="http://www.w3.org/2000/svg" width="\(Int(width))" height="\(Int(height))" \
        font-family="sans-serif" font-size="12">
        <rect width="100%" height="100%" fill="white"/>

        """
    // A grid line and label every degree, a step label every quarter, then the axes over them.
    for degree in stride(from: low, through: high, by: 1) {
        svg += "<line x1=\"\(margin)\" y1=\"\(number(y(degree)))\" x2=\"\(width - margin)\" y2=\"\(number(y(degree)))\" stroke=\"#eeeeee\"/>\n"
        svg += "<text x=\"\(margin - 6)\" y=\"\(number(y(degree) + 4))\" text-anchor=\"end\">\(Int(degree))</text>\n"
    }
    for quarter in 0...4 {
        let step = count * quarter / 4
        svg += "<text x=\"\(number(x(step)))\" y=\"\(height - margin + 16)\" text-anchor=\"middle\">\(step)</text>\n"
    }
    svg += "<path d=\"M\(margin),\(margin) V\(height - margin) H\(width - margin)\" stroke=\"black\" fill=\"none\"/>\n"
    svg += "<text x=\"\(width / 2)\" y=\"\(height - margin + 34)\" text-anchor=\"middle\">step</text>\n"
    svg += "<text x=\"\(margin - 40)\" y=\"\(height / 2)\" text-anchor=\"middle\">°C</text>\n"

    // Element i is the temperature after step i + 1.
    for trace in traces {
        let points = trace.temperatures.enumerated().map { (x: number(x($0.offset + 1)), y: number(y(Double($0.element)))) }
        if trace.style == .dots {
            for point in points {
                svg += "<circle cx=\"\(point.x)\" cy=\"\(point.y)\" r=\"1.2\" fill=\"\(trace.color)\"/>\n"
            }
        } else {
            let path = "M" + points.map { "\($0.x),\($0.y)" }.joined(separator: " L")
            svg += "<path d=\"\(path)\" \(stroke(trace)) fill=\"none\"/>\n"
        }
    }

    // The traces stay near the set point after the first few steps, so the lower right is free.
    for (index, trace) in traces.enumerated() {
        let left = width - margin - 170, top = height - margin - 18 * Double(traces.count - index)
        if trace.style == .dots {
            svg += "<circle cx=\"\(left + 15)\" cy=\"\(top - 4)\" r=\"2.5\" fill=\"\(trace.color)\"/>\n"
        } else {
            svg += "<line x1=\"\(left)\" y1=\"\(top - 4)\" x2=\"\(left + 30)\" y2=\"\(top - 4)\" \(stroke(trace))/>\n"
        }
        svg += "<text x=\"\(left + 38)\" y=\"\(top)\">\(trace.label)</text>\n"
    }
    return svg + "</svg>\n"
}

/// The stroke attributes of a line trace: solid, or dashed so it shows under a solid one.
private func stroke(_ trace: Trace) -> String {
    let dash = trace.style == .dashedLine ? " stroke-dasharray=\"6,4\"" : ""
    return "stroke=\"\(trace.color)\" stroke-width=\"1.5\"\(dash)"
}

/// A coordinate with one decimal, which keeps the file small.
private func number(_ value: Double) -> String { String(format: "%.1f", value) }
