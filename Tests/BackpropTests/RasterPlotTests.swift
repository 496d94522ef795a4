import CZlib
import Foundation
import Testing
@testable import Backprop

@Suite("PNG heatmaps, neuron maps, clickable diagrams, mini-batch order")
struct RasterPlotTests {
    /// The chunks of a PNG file, their CRCs checked.
    func chunks(_ png: [UInt8]) throws -> [(type: String, data: [UInt8])] {
        #expect(Array(png.prefix(8)) == [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A])
        var out: [(String, [UInt8])] = [], i = 8
        func u32(_ at: Int) -> Int { png[at..<(at + 4)].reduce(0) { $0 << 8 | Int($1) } }
        while i < png.count {
            let length = u32(i)
            let body = Array(png[(i + 4)..<(i + 8 + length)])
            let crc = body.withUnsafeBufferPointer { CZlib.crc32(0, $0.baseAddress, uInt($0.count)) }
            #expect(UInt32(u32(i + 8 + length)) == UInt32(truncatingIfNeeded: crc))
            out.append((String(decoding: body.prefix(4), as: UTF8.self), Array(body.dropFirst(4))))
            i += 12 + length
        }
        return out
    }

    @Test("a PNG: signature, IHDR, CRCs, and rows that inflate back to the pixels")
    func png() throws {
        let pixels: [UInt8] = [255, 0, 0, 0, 255, 0, 0, 0, 255,
                               10, 20, 30, 40, 50, 60, 70, 80, 90]          // 3 × 2
        let parts = try chunks(PNG.rgb(width: 3, height: 2, pixels: pixels))
        #expect(parts.map(\.type) == ["IHDR", "IDAT", "IEND"])
        #expect(parts[0].data == [0, 0, 0, 3, 0, 0, 0, 2, 8, 2, 0, 0, 0])
        var raw = [UInt8](repeating: 0, count: 2 * (1 + 9))
        var size = uLong(raw.count)
        let status = parts[1].data.withUnsafeBufferPointer { src in
            raw.withUnsafeMutableBufferPointer { uncompress($0.baseAddress, &size, src.baseAddress, uLong(src.count)) }
        }
        #expect(status == Z_OK && size == 20)
        let expected: [UInt8] = [0] + Array(pixels[0..<9]) + [0] + Array(pixels[9..<18])
        #expect(raw == expected)
    }

    /// The IDAT stream is written here (fixed Huffman codes, greedy matches): zlib's own inflate
    /// must give back every byte, for noise (literals only, all 256 values), one flat colour
    /// (overlapping matches of the longest length), gradients, and an image whose matches reach
    /// back over 8 KB.
    @Test("the deflate stream inflates back (zlib's uncompress) for noise, flat, gradient and far-match images",
          arguments: ["noise", "flat", "gradient", "far"])
    func deflateRoundTrip(_ kind: String) throws {
        var rng = SeededGenerator(seed: 5)
        let width = kind == "far" ? 96 : 40, height = kind == "far" ? 96 : 30
        var pixels = [UInt8](repeating: 0, count: width * height * 3)
        for i in pixels.indices {
            let r = i / (3 * width)
            switch kind {
            case "noise": pixels[i] = UInt8(truncatingIfNeeded: rng.next())
            case "flat": pixels[i] = 200
            case "gradient": pixels[i] = UInt8((r * 255) / height)
            default: pixels[i] = r < height / 2 ? UInt8(truncatingIfNeeded: rng.next()) : pixels[i - (height / 2) * 3 * width]   // noise, then itself
            }
        }
        let idat = try #require(try chunks(PNG.rgb(width: width, height: height, pixels: pixels)).first { $0.type == "IDAT" }).data
        var raw = [UInt8](repeating: 0, count: height * (1 + 3 * width))
        var size = uLong(raw.count)
        let status = idat.withUnsafeBufferPointer { src in
            raw.withUnsafeMutableBufferPointer { uncompress($0.baseAddress, &size, src.baseAddress, uLong(src.count)) }
        }
        #expect(status == Z_OK && Int(size) == raw.count)
        for r in 0..<height {
            #expect(raw[r * (1 + 3 * width)] == 0 && Array(raw[(r * (1 + 3 * width) + 1)..<((r + 1) * (1 + 3 * width))])
                    == Array(pixels[(r * 3 * width)..<((r + 1) * 3 * width)]), "row \(r)")
        }
        let most = ["noise": 1.1, "far": 0.6][kind] ?? 0.25                 // far: the copied half costs little
        #expect(Double(idat.count) < most * Double(raw.count), "\(kind): \(idat.count) bytes for \(raw.count)")
    }

    @Test("raster decision boundary: one embedded PNG instead of a rectangle per cell; test points get dark rims")
    func rasterBoundary() {
        let data = ToySets.make(.circles, count: 40, noise: 0, seed: 1, as: Float.self)
        let test = ToySets.make(.circles, count: 10, noise: 0, seed: 2, as: Float.self)
        let model = ModelFile(network: Network<Float>(sizes: [2, 3, 2], activation: .tanh, output: .softmax, seed: 1))
        let raster = DecisionBoundary.svg(model: model, points: data.x, labels: data.labels, testPoints: test.x,
                                          testLabels: test.labels, resolution: 30, raster: true).rendered
        let rects = DecisionBoundary.svg(model: model, points: data.x, labels: data.labels, resolution: 30).rendered
        #expect(raster.components(separatedBy: "<image").count == 2)
        #expect(raster.components(separatedBy: "<rect").count == 2 + 2)          // the background and the legend's classes
        #expect(rects.components(separatedBy: "<rect").count == 2 + 900 + 2)
        #expect(raster.components(separatedBy: "stroke=\"#222222\"").count == 1 + 10 + 1)    // and the legend's "test"
        #expect(raster.components(separatedBy: "stroke=\"#ffffff\"").count == 1 + 40 + 1)
        #expect(raster.contains("image-rendering:auto"))                          // interpolated: no blocks
        #expect(raster.utf8.count < rects.utf8.count / 3)
    }

    @Test("neuron maps: inputs, then each layer's a over the grid; the diagram draws them and names every edge and neuron")
    func neuronMaps() throws {
        let net = Network<Float>(sizes: [2, 3, 2], activation: .tanh, output: .softmax, seed: 3)
        let grid = DecisionBoundary.Grid<Float>(covering: [Matrix([[-1, -1], [1, 1]])], resolution: 8)
        let maps = NeuronMaps(network: net, inputs: grid.points, resolution: 8)
        #expect(maps.values.map(\.count) == [2, 3, 2])
        #expect(maps.values[0][0].count == 64)
        let out = net.predict(grid.points)
        #expect(maps.values[2][1][10] == Double(out[10, 1]))
        #expect(maps.values[0][1][0] == Double(grid.points[0, 1]))              // the top-left cell's y
        let svg = NetworkDiagram.svg(network: net, maps: maps, clickable: true).rendered
        #expect(svg.components(separatedBy: "<image").count == 1 + 7)
        for id in ["w-1-0-0", "w-1-2-1", "w-2-1-2", "n-0-1", "n-1-2", "n-2-1"] { #expect(svg.contains("id=\"\(id)\""), "\(id)") }
        #expect(!svg.contains("id=\"w-1-3-0\"") && !svg.contains("id=\"w-3-0-0\""))
        #expect(!NetworkDiagram.svg(network: net).rendered.contains(" id="))     // plain diagrams stay plain
    }

    @Test("mini-batches: ⌈n/B⌉ batches covering every sample once per epoch, the same for the same seed")
    func miniBatches() {
        var a = MiniBatches(count: 10, batchSize: 4, shuffle: true, seed: 3)
        var b = MiniBatches(count: 10, batchSize: 4, shuffle: true, seed: 3)
        #expect(a.count == 3)
        for _ in 0..<3 {
            a.startEpoch()
            b.startEpoch()
            let all = (0..<a.count).flatMap { Array(a.indices($0)) }
            #expect(all.sorted() == Array(0..<10) && a.indices(2).count == 2)
            #expect(all == (0..<b.count).flatMap { Array(b.indices($0)) })
        }
        var fixed = MiniBatches(count: 5, batchSize: 2, shuffle: false, seed: 3)
        fixed.startEpoch()
        #expect(Array(fixed.indices(1)) == [2, 3])
        #expect(fixed.indices(3) == [] && fixed.indices(4) == [] && fixed.indices(-1) == [0, 1], "past the last batch: none, not a trap")
        #expect(TrainingSeeds(7).shuffle == 9 && TrainingSeeds(7).testSplit == 10 && TrainingSeeds(7).validationSplit == 8)
    }
}
