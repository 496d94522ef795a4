extension Network {
    /// One training step on a batch: forward, loss, backward, update.
    ///
    /// The four run as one split step (`Network+SplitStep.swift`: two or three hand-offs between
    /// threads a step), with the same numbers on one thread.
    ///
    /// Returns the loss of the batch *before* the update. Allocates nothing once the network has
    /// seen a batch of this size (every buffer is reused). Plain gradient descent is fused into
    /// backward (`Dense.backward(input:outputGradient:propagate:outputGradientIsDelta:fusedGradientDescent:)`); then the layers' `weightGradient`/`biasGradient`
    /// are not written — call `backward(input:)` for them (as `explain` and `gradcheck` do).
    ///
    /// ```swift
    /// var sgd = Optimizer<Float>.gradientDescent(learningRate: 0.5)
    /// let loss = network.trainStep(x, y, optimizer: &sgd)
    /// ```
    @_specialize(exported: true, where T == Float)
    @_specialize(exported: true, where T == Double)
    public mutating func trainStep(_ x: Matrix<T>, _ y: Matrix<T>, optimizer: inout Optimizer<T>,
                                   dropout: Double = 0, dropoutSeed: UInt64 = 0) -> T {
        var generator = Dropout.generator(seed: dropoutSeed, step: optimizer.steps)   // the step's masks, from its
        if x.rows > 0 {                                                                  // number: same on a resume
            return splitStep(x, y, optimizer: &optimizer, dropout: dropout, generator: &generator)
        }
        forward(x, dropout: dropout, generator: &generator)                 // an empty batch: the four calls
        let loss = computeLoss(target: y)
        if optimizer.isPlainGradientDescent {
            backward(input: x, fusedGradientDescent: optimizer.learningRate)
            optimizer.steps += 1
        } else {
            backward(input: x)
            optimizer.step(&self)
        }
        return loss
    }

    /// ``trainStep(_:_:optimizer:dropout:dropoutSeed:)`` on rows `indices` of `(dataX, dataY)`,
    /// gathered into `x` and `y` (resized to the batch) by the step itself, each thread copying
    /// what it computes with (its rows, or its inputs of every row); the rows `next` (the next
    /// batch's) are prefetched meanwhile. What a ``TrainingRun`` steps with.
    @_specialize(exported: true, where T == Float)
    @_specialize(exported: true, where T == Double)
    mutating func trainStep(rows indices: ArraySlice<Int>, of dataX: Matrix<T>, _ dataY: Matrix<T>,
                            into x: inout Matrix<T>, _ y: inout Matrix<T>, prefetching next: ArraySlice<Int>,
                            optimizer: inout Optimizer<T>, dropout: Double = 0, dropoutSeed: UInt64 = 0) -> T {
        guard !indices.isEmpty else {
            x.gatherRows(of: dataX, indices)
            y.gatherRows(of: dataY, indices)
            return trainStep(x, y, optimizer: &optimizer, dropout: dropout, dropoutSeed: dropoutSeed)
        }
        var generator = Dropout.generator(seed: dropoutSeed, step: optimizer.steps)
        return splitStep(gathering: indices, of: dataX, dataY, into: &x, &y, prefetching: next,
                         optimizer: &optimizer, dropout: dropout, generator: &generator)
    }

    /// Full-batch training for `epochs` epochs: one `trainStep` on all of `(x, y)` per epoch.
    ///
    /// `observe(epoch, loss)` is called after every epoch (1-based) with that epoch's loss before
    /// its update; it returns `false` to stop early. The core never prints: observers do.
    @_specialize(exported: true, where T == Float)
    @_specialize(exported: true, where T == Double)
    public mutating func train(
        _ x: Matrix<T>, _ y: Matrix<T>, epochs: Int, optimizer: inout Optimizer<T>,
        observe: (_ epoch: Int, _ loss: T) -> Bool = { _, _ in true }
    ) {
        for epoch in 0..<epochs {
            let loss = trainStep(x, y, optimizer: &optimizer)
            if !observe(epoch + 1, loss) { break }
        }
    }
}
