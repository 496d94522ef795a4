import Foundation
import Testing
@testable import Backprop

@Suite("CSV data sets")
struct CSVTests {
    @Test("header detected, label last, classes sorted and one-hot")
    func classification() throws {
        let data = try Dataset<Float>.csv("x1,x2,label\n0,1,yes\n1,1,no\n\n0.5,-2,yes\n", file: "t.csv")
        #expect(data.count == 3 && data.features == 2)
        #expect(data.classNames == ["no", "yes"])
        #expect(data.featureNames == ["x1", "x2"])
        #expect(data.y.nested == [[0, 1], [1, 0], [0, 1]])
        #expect(data.x.nested == [[0, 1], [1, 1], [0.5, -2]])
    }

    @Test("numeric labels: whole numbers are classes (sorted numerically), fractions a regression")
    func tasks() throws {
        let classes = try Dataset<Double>.csv("1,10\n2,2\n3,10\n", file: "t.csv")
        #expect(classes.classNames == ["2", "10"])
        let regression = try Dataset<Double>.csv("1,0.5\n2,1.25\n", file: "t.csv")
        #expect(regression.classNames == nil && regression.y.storage == [0.5, 1.25])
        var options = CSVOptions()
        options.task = .regression
        #expect(try Dataset<Double>.csv("1,10\n2,2\n", options: options, file: "t.csv").y.storage == [10, 2])
    }

    @Test("label column by number or name; quoted fields; CRLF")
    func options() throws {
        var options = CSVOptions()
        options.labelName = "kind"
        let data = try Dataset<Float>.csv("kind,\"a, b\",c\r\n\"x\"\"y\",1,2\r\nz,3,4\r\n", options: options, file: "t.csv")
        #expect(data.classNames == ["x\"y", "z"] && data.x.nested == [[1, 2], [3, 4]])
        #expect(data.featureNames == ["a, b", "c"])
        options = CSVOptions()
        options.labelColumn = 1
        options.header = .no
        #expect(try Dataset<Float>.csv("0,5,6\n1,7,8\n", options: options, file: "t.csv").x.nested == [[5, 6], [7, 8]])
    }

    static let bad: [(String, String)] = [
        ("", "t.csv: the file has no rows"),
        ("1,2\n3\n", "t.csv: line 2: has 1 fields, line 1 has 2"),
        ("a,b\n1,x\n2,y,3\n", "t.csv: line 3: has 3 fields, line 1 has 2"),
        ("1,2,0\n3,abc,1\n", "t.csv: line 2, column 2: 'abc' is not a number"),
        ("1,,0\n", "t.csv: line 1, column 2: an empty field is not a number"),
        ("1,\"2\n", "a quoted field is not closed"),
        ("h1,h2\n", "the file has a header but no data rows"),
    ]

    @Test("malformed CSV: the file, line and column in the message", arguments: bad)
    func malformed(_ text: String, _ message: String) {
        #expect { _ = try Dataset<Float>.csv(text, file: "t.csv") } throws: { "\($0)".contains(message) }
    }
}

#if os(Linux)
@Suite("Unreadable data files")
struct UnreadableDataTests {
    /// /proc/self/mem opens but fails to read (EIO at offset 0): the message gives the system's
    /// reason, not Foundation's wrapper "The operation could not be completed. (NSCocoaErrorDomain …)".
    @Test("a file that opens but cannot be read: named, with the system's reason")
    func readFails() {
        #expect {
            _ = try DataSource.read("/proc/self/mem")
        } throws: { error in
            "\(error)" == "/proc/self/mem: cannot be read: Input/output error"
        }
    }
}
#endif

@Suite("IDX, gzip and toy data")
struct IDXTests {
    @Test("IDX round trip into a one-hot data set")
    func idx() throws {
        let images = try IDXArray(bytes: IDXArray.encode(shape: [3, 2, 2], values: Array(0..<12)), file: "i")
        let labels = try IDXArray(bytes: IDXArray.encode(shape: [3], values: [2, 0, 1]), file: "l")
        #expect(images.shape == [3, 2, 2])
        let data = try Dataset<Float>.idx(images: images, labels: labels, imagesFile: "i", labelsFile: "l")
        #expect(data.x.row(1) == [4, 5, 6, 7])
        #expect(data.labels == [2, 0, 1] && data.classNames == ["0", "1", "2"])
    }

    @Test("IDX errors: magic, type, size mismatch, label count", arguments: [
        ([1, 2, 8, 1, 0, 0, 0, 1, 5], "not an IDX file"),
        ([0, 0, 0x0D, 1, 0, 0, 0, 1, 5], "element type 0d is not supported"),
        ([0, 0, 8, 1, 0, 0, 0, 3, 5], "the header says 3 = 3 values, the file holds 1"),
        ([0, 0, 8, 3, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF], "overflow"),
        ([0, 0, 8, 2, 0, 0x10, 0, 0, 0, 0x10, 0, 0], "the header says 1048576×1048576 = 1099511627776 values, the file holds 0"),
        ([0, 0, 8, 2, 0, 0], "the header promises 2 dimensions"),
        // Found by fuzzing (fuzz/run.sh idx): 4278190079 × 0 images "held" no bytes at all.
        ([0, 0, 8, 2, 0xFE, 0xFF, 0xFF, 0xFF, 0, 0, 0, 0], "dimension 2 of 2 is 0"),
    ] as [([UInt8], String)])
    func idxErrors(_ bytes: [UInt8], _ message: String) {
        #expect { _ = try IDXArray(bytes: bytes, file: "f") } throws: { "\($0)".contains(message) }
    }

    @Test("gzip: decompresses what gzip wrote; rejects truncated and corrupt data")
    func gzip() throws {
        // "hello backprop\n" compressed by gzip -n (committed bytes, checked against the tool).
        let compressed: [UInt8] = try Array(Data(contentsOf: Bundle.module.url(forResource: "hello.txt", withExtension: "gz", subdirectory: "Fixtures")!))
        #expect(isGzip(compressed))
        #expect(String(decoding: try gunzip(compressed), as: UTF8.self) == "hello backprop\n")
        #expect(throws: GzipError.self) { _ = try gunzip(Array(compressed.dropLast(12))) }
        var corrupt = compressed
        corrupt[12] ^= 0xFF
        #expect(throws: GzipError.self) { _ = try gunzip(corrupt) }
        #expect(throws: GzipError.self) { _ = try gunzip(compressed, limit: 4) }
    }

    func fixtureBytes(_ name: String) throws -> [UInt8] {
        [UInt8](try Data(contentsOf: try #require(Bundle.module.url(forResource: name, withExtension: nil, subdirectory: "Fixtures"))))
    }

    @Test("streamed gzip IDX images: the same matrix as decompressing whole; header/data mismatches caught")
    func streamedImages() throws {
        let compressed = try fixtureBytes("tiny-idx/train-images-idx3-ubyte.gz")
        let streamed: Matrix<Float> = try Dataset<Float>.readIDXImages(GzipReader(compressed), file: "f")
        let whole = try IDXArray(bytes: gunzip(compressed), file: "f")
        #expect(streamed.rows == 60 && streamed.cols == 16)
        #expect(streamed.storage == whole.values.map { Float($0) })
        #expect { _ = try Dataset<Float>.readIDXImages(GzipReader(try fixtureBytes("bad-idx/short.gz")), file: "short") } throws: {
            "\($0)" == "short: the header says 61×4×4 = 976 values, the file holds 960"
        }
        #expect { _ = try Dataset<Float>.readIDXImages(GzipReader(try fixtureBytes("bad-idx/long.gz")), file: "long") } throws: {
            "\($0)".contains("the header says 944 values, the file holds more")
        }
        // A header claiming a terabyte over a few bytes is refused before anything is allocated.
        #expect { _ = try Dataset<Float>.readIDXImages(GzipReader(try fixtureBytes("bad-idx/huge.gz")), file: "huge") } throws: {
            "\($0)".contains("= 1099511627776 values, more than the file can hold")
        }
        #expect { _ = try Dataset<Float>.readIDXImages(GzipReader(try fixtureBytes("hello.txt.gz")), file: "h") } throws: {
            "\($0)".contains("not an IDX file")
        }
    }

    @Test("toy sets: seeded, balanced, the right shapes", arguments: ToySets.Shape.allCases.filter { !$0.isRegression })
    func toys(_ shape: ToySets.Shape) {
        let a = ToySets.make(shape, count: 200, noise: 0.1, seed: 4, as: Float.self)
        let b = ToySets.make(shape, count: 200, noise: 0.1, seed: 4, as: Float.self)
        #expect(a.x == b.x && a.y == b.y)
        #expect(a.x.cols == 2 && a.y.cols == 2 && a.count == 200)
        #expect(a.labels.filter { $0 == 1 }.count == 100)
        #expect(a.x.storage.allSatisfy { abs($0) < 12 })
    }

    @Test("circles without noise: class 0 inside radius 2.5, class 1 outside 3.5")
    func circles() {
        let d = ToySets.make(.circles, count: 100, noise: 0, seed: 1, as: Double.self)
        for r in 0..<d.count {
            let radius = (d.x[r, 0] * d.x[r, 0] + d.x[r, 1] * d.x[r, 1]).squareRoot()
            #expect(d.labels[r] == 0 ? radius <= 2.5 : radius >= 3.5)
        }
    }
}

@Suite("Splits and preprocessing")
struct SplitTests {
    @Test("splitOff moves a seeded, disjoint tenth out; rows stay paired with their targets")
    func split() {
        let n = 50
        var data = Dataset<Double>(x: Matrix(rows: n, cols: 2, storage: (0..<(2 * n)).map { Double($0) }),
                                   y: Matrix(rows: n, cols: 1, storage: (0..<n).map { Double($0) }))
        let validation = data.splitOff(validationFraction: 0.1, seed: 3)
        #expect(validation.count == 5 && data.count == 45)
        let all = (data.y.storage + validation.y.storage).map { Int($0) }.sorted()
        #expect(all == Array(0..<n))
        for r in 0..<validation.count { #expect(validation.x[r, 0] == 2 * validation.y[r, 0]) }
        #expect(data.y.storage.map { Int($0) } != Array(0..<45))    // shuffled
    }

    @Test("standardize and minmax: statistics from the data they are fitted on")
    func preprocessing() {
        var x = Matrix<Double>([[1, 10], [3, 10], [5, 10]])
        let p = Preprocessing.fit(.standardize, to: x)
        #expect(p.offset == [3, 10])
        #expect(abs(p.scale[0] - (8.0 / 3).squareRoot()) < 1e-15 && p.scale[1] == 1)
        p.apply(to: &x)
        #expect(abs(x[2, 0] - 2 / (8.0 / 3).squareRoot()) < 1e-15 && x[0, 1] == 0)
        let m = Preprocessing.fit(.minmax, to: Matrix<Float>([[1, 4], [3, 4]]))
        #expect(m.offset == [1, 4] && m.scale == [2, 1])
    }
}
