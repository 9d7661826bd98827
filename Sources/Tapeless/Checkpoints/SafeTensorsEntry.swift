/// The element types of the safetensors format (Hugging Face, `safetensors` crate `Dtype`).
public enum SafeTensorsDType: String, Sendable, CaseIterable {
    /// Booleans, one byte each.
    case bool = "BOOL"
    /// Unsigned 8-bit integers.
    case uint8 = "U8"
    /// Signed 8-bit integers.
    case int8 = "I8"
    /// 8-bit floats with 5 exponent and 2 mantissa bits.
    case float8E5M2 = "F8_E5M2"
    /// 8-bit floats with 4 exponent and 3 mantissa bits.
    case float8E4M3 = "F8_E4M3"
    /// Signed 16-bit integers.
    case int16 = "I16"
    /// Unsigned 16-bit integers.
    case uint16 = "U16"
    /// IEEE half-precision floats.
    case float16 = "F16"
    /// Brain floats: the top 16 bits of an IEEE single.
    case bfloat16 = "BF16"
    /// Signed 32-bit integers.
    case int32 = "I32"
    /// Unsigned 32-bit integers.
    case uint32 = "U32"
    /// IEEE single-precision floats.
    case float32 = "F32"
    /// IEEE double-precision floats.
    case float64 = "F64"
    /// Signed 64-bit integers.
    case int64 = "I64"
    /// Unsigned 64-bit integers.
    case uint64 = "U64"

    /// The dtypes ``SafeTensorsFile/Entry/floatScalars()`` converts to `Float`.
    static let readableAsFloat: [SafeTensorsDType] = [.float32, .float64, .float16, .bfloat16]
    /// The dtypes ``SafeTensorsFile/Entry/integerScalars()`` converts to `Int`.
    static let readableAsInteger: [SafeTensorsDType] = [.bool, .uint8, .int8, .int16, .uint16, .int32, .uint32, .int64, .uint64]

    /// The size of one element in bytes.
    public var byteCount: Int {
        switch self {
        case .bool, .uint8, .int8, .float8E5M2, .float8E4M3: return 1
        case .int16, .uint16, .float16, .bfloat16: return 2
        case .int32, .uint32, .float32: return 4
        case .float64, .int64, .uint64: return 8
        }
    }
}

extension SafeTensorsFile {
    /// One named tensor of a safetensors file: its dtype, shape and raw little-endian bytes.
    public struct Entry: Sendable, Equatable {
        /// The tensor's name, such as `fc1.weight`.
        public let name: String
        /// The element type.
        public let dtype: SafeTensorsDType
        /// The shape; `[]` for a scalar.
        public let shape: [Int]
        /// The elements in row-major order, little-endian.
        public let bytes: [UInt8]

        /// Creates an entry from raw little-endian bytes.
        ///
        /// - Precondition: the shape has no negative dimension and `bytes` holds exactly
        ///   one element of `dtype` per element of `shape`.
        public init(name: String, dtype: SafeTensorsDType, shape: [Int], bytes: [UInt8]) {
            precondition(shape.allSatisfy { $0 >= 0 }, "Entry '\(name)' has a negative dimension in shape \(shape).")
            precondition(
                bytes.count == shape.reduce(1, *) * dtype.byteCount,
                "Entry '\(name)' of dtype \(dtype.rawValue) and shape \(shape) needs \(shape.reduce(1, *) * dtype.byteCount) bytes, but \(bytes.count) were given.")
            self.name = name
            self.dtype = dtype
            self.shape = shape
            self.bytes = bytes
        }

        /// Creates an `F32` entry from elements in row-major order.
        ///
        /// - Precondition: `scalars.count` is the product of `shape`.
        public init(name: String, shape: [Int], scalars: some Collection<Float>) {
            precondition(
                scalars.count == shape.reduce(1, *),
                "Entry '\(name)' of shape \(shape) needs \(shape.reduce(1, *)) scalars, but \(scalars.count) were given.")
            let bytes = Self.encode(scalars) { $0.bitPattern }
            self.init(name: name, dtype: .float32, shape: shape, bytes: bytes)
        }

        /// Creates an `F32` entry holding a tensor.
        public init(name: String, tensor: Tensor) {
            self.init(name: name, shape: tensor.shape, scalars: tensor.scalars)
        }

        /// Creates an `I64` entry holding an integer tensor.
        public init(name: String, integers: IntTensor) {
            let bytes = Self.encode(integers.scalars) { Int64($0) }
            self.init(name: name, dtype: .int64, shape: integers.shape, bytes: bytes)
        }

        /// The number of elements.
        public var scalarCount: Int { shape.reduce(1, *) }

        /// The elements as `Float`, converting `F64`, `F16` and `BF16` (rounding to nearest).
        ///
        /// - Throws: ``CheckpointError/unsupportedDType(entry:dtype:accepted:)`` for integer,
        ///   boolean and 8-bit float entries.
        public func floatScalars() throws -> [Float] {
            switch dtype {
            case .float32: return decode(UInt32.self) { Float(bitPattern: $0) }
            case .float64: return decode(UInt64.self) { Float(Double(bitPattern: $0)) }
            case .float16: return decode(UInt16.self) { Float(Float16(bitPattern: $0)) }
            case .bfloat16: return decode(UInt16.self) { Float(bitPattern: UInt32($0) << 16) }
            default: throw CheckpointError.unsupportedDType(entry: name, dtype: dtype.rawValue, accepted: SafeTensorsDType.readableAsFloat)
            }
        }

        /// The elements as a tensor of this entry's shape (see ``floatScalars()``).
        public func tensor() throws -> Tensor {
            Tensor(shape: shape, scalars: try floatScalars())
        }

        /// The elements as integers, for integer and boolean entries.
        ///
        /// - Throws: ``CheckpointError/unsupportedDType(entry:dtype:accepted:)`` for float entries, and
        ///   ``CheckpointError/invalidEntry(entry:reason:)`` for a `U64` value above `Int.max`.
        public func integerScalars() throws -> [Int] {
            switch dtype {
            case .bool, .uint8: return decode(UInt8.self) { Int($0) }
            case .int8: return decode(UInt8.self) { Int(Int8(bitPattern: $0)) }
            case .int16: return decode(UInt16.self) { Int(Int16(bitPattern: $0)) }
            case .uint16: return decode(UInt16.self) { Int($0) }
            case .int32: return decode(UInt32.self) { Int(Int32(bitPattern: $0)) }
            case .uint32: return decode(UInt32.self) { Int($0) }
            case .int64: return decode(UInt64.self) { Int(Int64(bitPattern: $0)) }
            case .uint64:
                let values = decode(UInt64.self) { $0 }
                guard let tooLarge = values.first(where: { $0 > UInt64(Int.max) }) else { return values.map { Int($0) } }
                throw CheckpointError.invalidEntry(entry: name, reason: "the U64 value \(tooLarge) does not fit in Int")
            default: throw CheckpointError.unsupportedDType(entry: name, dtype: dtype.rawValue, accepted: SafeTensorsDType.readableAsInteger)
            }
        }

        /// The elements as an integer tensor of this entry's shape (see ``integerScalars()``).
        public func intTensor() throws -> IntTensor {
            IntTensor(shape: shape, scalars: try integerScalars())
        }

        /// Writes every element as its little-endian `Bits`, one after another.
        private static func encode<Value, Bits: FixedWidthInteger>(
            _ values: some Collection<Value>, _ convert: (Value) -> Bits
        ) -> [UInt8] {
            let size = MemoryLayout<Bits>.size
            return [UInt8](unsafeUninitializedCapacity: values.count &* size) { output, initialized in
                let raw = UnsafeMutableRawBufferPointer(output)
                var offset = 0
                for value in values {
                    raw.storeBytes(of: convert(value).littleEndian, toByteOffset: offset, as: Bits.self)
                    offset &+= size
                }
                initialized = offset
            }
        }

        /// Reads every element as a little-endian `Bits` and converts it.
        private func decode<Bits: FixedWidthInteger, Value>(_: Bits.Type, _ convert: (Bits) -> Value) -> [Value] {
            let count = scalarCount
            let size = MemoryLayout<Bits>.size
            return bytes.withUnsafeBytes { raw in
                [Value](unsafeUninitializedCapacity: count) { output, initialized in
                    for k in 0..<count {
                        output.initializeElement(at: k, to: convert(Bits(littleEndian: raw.loadUnaligned(fromByteOffset: k &* size, as: Bits.self))))
                    }
                    initialized = count
                }
            }
        }
    }
}
