import Backprop
import Testing
@testable import BackpropPlayground

@Suite("Playground settings and command line")
struct SettingsTests {
    func configure(_ text: String) throws -> PlaygroundSettings {
        var s = PlaygroundSettings()
        try s.apply(try JSON.parse(text))
        return s
    }

    @Test("a configure message sets what it names and keeps the rest")
    func apply() throws {
        let s = try configure(#"{"type": "configure", "data": "circles", "hidden": [4, 3, 2], "activations": ["relu"], "learningRate": 0.1, "seed": 7}"#)
        #expect(s.data == "circles" && s.hidden == [4, 3, 2] && s.learningRate == 0.1 && s.seed == 7)
        #expect(s.activations == [.relu, .relu, .relu])          // a short list repeats its last entry
        #expect(s.samples == PlaygroundSettings().samples && s.optimizer == PlaygroundSettings().optimizer)
        #expect(s.sizes == [2, 4, 3, 2, 2])
    }

    @Test("bad values are refused by name, and the settings stay as they were", arguments: [
        (#"{"data": "moons"}"#, "data: 'moons' is not one of"),
        (#"{"hidden": [4, 0]}"#, "hidden: 0 is outside 1…16"),
        (#"{"hidden": [1, 1, 1, 1, 1, 1, 1]}"#, "at most 6 layer sizes"),
        (#"{"learningRate": -1}"#, "learningRate: -1 is outside"),
        (#"{"learningRate": "fast"}"#, "learningRate: expected a number, got 'fast'"),
        (#"{"learningRate": 1e400}"#, "learningRate: 1e400 is beyond the numbers a setting can take"),
        (#"{"batch": 2.5}"#, "batch: expected a whole number"),
        (#"{"activations": ["softmax"]}"#, "activations: 'softmax' is not a hidden activation; expected one of sigmoid, tanh, relu, leaky-relu, identity"),
        (#"{"output": "sigmoid", "loss": "softmax-cross-entropy"}"#, "softmax-cross-entropy needs a softmax output layer"),
        (#"{"data": "csv"}"#, "upload a CSV file first"),
        (#"{"colour": "red"}"#, "unknown setting 'colour'"),
        (#"{"seed": 1e300}"#, "seed: expected a whole number"),
    ])
    func refused(message: String, expected: String) throws {
        var s = PlaygroundSettings()
        let before = s
        #expect {
            try s.apply(try JSON.parse(message))
        } throws: { error in
            (error as? PlaygroundError)?.message.contains(expected) == true
        }
        #expect(s == before)
    }

    @Test("the command line names every setting")
    func commandLine() throws {
        let s = try configure(#"{"data": "xor", "samples": 200, "noise": 0.25, "testSplit": 0.3, "hidden": [5], "activations": ["relu"], "optimizer": "sgd", "learningRate": 0.03, "batch": 16, "weightDecay": 0.001, "scale": "none", "seed": 9}"#)
        #expect(s.commandLine(epochs: 12) == "backprop train --data xor --samples 200 --noise 0.25 --data-seed 1 --test-split 0.3 --layers 2,5,2 --activation relu --output softmax --loss softmax-cross-entropy --optimizer sgd --lr 0.03 --batch 16 --weight-decay 0.001 --scale none --seed 9 --epochs 12 --save model.json")
        let none = try configure(#"{"hidden": []}"#)
        #expect(!none.commandLine(epochs: 1).contains("--activation"))
        #expect(none.sizes == [2, 2])
    }
}
