import Foundation

/// Small square images in a grid, one SVG rectangle per pixel: input images in grey, or weights
/// in the diagram's colours (blue positive, orange negative, white 0).
///
/// ```swift
/// let svg = ImageGrid.svg(images: rows, side: 28, captions: names, title: "first-layer weights", signed: true)
/// ```
public enum ImageGrid {
    /// A pixel's colour: grey from black (0) to white (1), or for `signed` values in [−1, 1]
    /// orange (−1) through white (0) to blue (+1).
    public static func color(_ v: Double, signed: Bool) -> String {
        let x = v.isFinite ? v : 0
        if !signed {
            let g = Int((min(max(x, 0), 1) * 255).rounded())
            return String(format: "#%02x%02x%02x", 255 - g, 255 - g, 255 - g)     // ink on paper: 1 is black
        }
        let t = min(abs(x), 1)
        let c: (Double, Double, Double) = x >= 0 ? (8, 119, 189) : (245, 147, 34)
        func mix(_ k: Double) -> Int { Int((255 + (k - 255) * t).rounded()) }
        return String(format: "#%02x%02x%02x", mix(c.0), mix(c.1), mix(c.2))
    }

    /// `images` (each `side × side` values, row-major; signed ones already scaled into [−1, 1]) in
    /// rows of `columns`, each with its caption below.
    public static func svg(images: [[Double]], side: Int, captions: [String], title: String, signed: Bool,
                           columns: Int = 8, pixel: Double = 3) -> SVG {
        let tile = Double(side) * pixel, gap = 8.0, captionHeight = 14.0, top = 30.0
        let rows = (images.count + columns - 1) / max(columns, 1)
        let width = Double(columns) * (tile + gap) + gap
        var svg = SVG(width: width, height: top + Double(rows) * (tile + captionHeight + gap) + gap)
        svg.rect(x: 0, y: 0, width: svg.width, height: svg.height, fill: "#ffffff")
        svg.text(title, x: width / 2, y: 20, size: 14, anchor: "middle")
        for (n, image) in images.enumerated() {
            let x0 = gap + Double(n % columns) * (tile + gap), y0 = top + Double(n / columns) * (tile + captionHeight + gap)
            svg.rect(x: x0 - 0.5, y: y0 - 0.5, width: tile + 1, height: tile + 1, fill: "#ffffff", stroke: "#cccccc")
            for i in 0..<side {
                for j in 0..<side where i * side + j < image.count {
                    let c = color(image[i * side + j], signed: signed)
                    if c != "#ffffff" { svg.rect(x: x0 + Double(j) * pixel, y: y0 + Double(i) * pixel, width: pixel, height: pixel, fill: c) }
                }
            }
            if n < captions.count {      // smaller type for a long caption, so that it stays within its tile's column
                let size = min(9, 9 * (tile + gap - 2) / max(SVG.textWidth(captions[n], size: 9), 1))
                svg.text(captions[n], x: x0 + tile / 2, y: y0 + tile + 11, size: (size * 10).rounded(.down) / 10, anchor: "middle")
            }
        }
        return svg
    }

    /// The first layer's weights of up to `count` neurons as images (each scaled by its largest |w|).
    public static func firstLayerWeights<T: Scalar>(_ network: Network<T>, side: Int, count: Int = 32) -> SVG {
        let layer = network.layers[0]
        let n = min(count, layer.outputSize)
        let images = (0..<n).map { j -> [Double] in
            let w = layer.weights.row(j).map { Double($0) }
            let m = w.map(abs).max() ?? 1
            return w.map { m > 0 ? $0 / m : 0 }
        }
        return svg(images: images, side: side, captions: (0..<n).map { "neuron \($0)" },
                   title: "first-layer weights (blue +, orange −), \(n) of \(layer.outputSize) neurons", signed: true)
    }

    /// Up to `count` misclassified samples of `data` (inputs in [0, 1] after preprocessing) with
    /// their true and predicted class names.
    public static func misclassified<T: Scalar>(_ network: Network<T>, data: Dataset<T>, side: Int, count: Int = 24) -> SVG {
        let out = network.predict(data.x)
        let names = data.classNames ?? []
        var images: [[Double]] = [], captions: [String] = []
        for r in 0..<data.count where images.count < count {
            let truth = Evaluation.classOf(data.y, r), guess = Evaluation.classOf(out, r)
            guard truth != guess else { continue }
            images.append(data.x.row(r).map { Double($0) })
            func name(_ k: Int) -> String { k < names.count ? names[k] : String(k) }
            captions.append("\(name(truth)) → \(name(guess))")
        }
        return svg(images: images, side: side, captions: captions, title: "misclassified (true → predicted)", signed: false, columns: 6)
    }
}
