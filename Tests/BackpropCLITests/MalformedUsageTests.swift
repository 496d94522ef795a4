import Testing

@Suite("Absurd hyperparameters are usage errors with a reason, not out-of-memory")
struct AbsurdOptionTests {
    @Test("networks too large, too many samples, a hidden layer of a billion", arguments: [
        (["train", "--data", "xor", "--layers", "2,100000,100000,2"], "has 10000600002 parameters"),
        (["gradcheck", "--layers", "1000,1000,10"], "gradcheck runs 4 forward passes per parameter"),
        (["gradcheck", "--samples", "1000000"], "--samples must be between 1 and 10000"),
        (["xor", "--hidden", "100000000"], "--hidden must be between 1 and 10000"),
        (["train", "--data", "xor", "--batch", "0"], "--batch must be ≥ 1"),
        (["train", "--data", "xor", "--threads", "1000"], "--threads must be between 1 and 256"),
        (["train", "--data", "xor", "--noise", "3"], "--noise must be between 0 and 1"),
    ] as [([String], String)])
    func absurd(_ arguments: [String], _ message: String) throws {
        let run = try backprop(arguments)
        #expect(run.status == 64, "\(arguments): \(run.stderr)")
        #expect(run.stderr.contains(message), "\(run.stderr)")
    }
}
