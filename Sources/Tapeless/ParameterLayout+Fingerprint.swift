extension ParameterLayout {
    /// A hash of every entry's name, shape and trainability, the same in every process and on
    /// every machine (FNV-1a over the bytes of a text form; Swift's `Hasher` is seeded per
    /// process), so processes can check cheaply that they built the same model.
    public var fingerprint: UInt64 {
        let text = entries.map { "\($0.name):\($0.shape):\($0.isTrainable)" }.joined(separator: ";")
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in text.utf8 {
            hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01b3
        }
        return hash
    }
}
