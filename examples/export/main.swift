// Uses the model that `backprop export --language swift --name Iris` wrote as Iris.swift:
// no Backprop, no Foundation. Build: swiftc Iris.swift main.swift -o iris
let flowers: [[Float]] = [[5.1, 3.5, 1.4, 0.2], [6.7, 3.0, 5.2, 2.3]]
for flower in flowers {
    let p = Iris.predict(flower)
    let best = p.indices.max { p[$0] < p[$1] } ?? 0
    print(flower, "→", Iris.classes[best], p)
}
