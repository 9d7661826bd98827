import Foundation
import Testing
@testable import Tapeless

@Suite struct ProgressTests {
    /// Two epochs of two batches; predictions stay 0, so loss 1, mae 1, val_loss 9, val_mae 3.
    func train(verbosity: Verbosity, isTerminal: Bool, times: [Double]) throws -> String {
        let recording = RecordingOutput(times: times)
        var model = AffineModel(w: 0, b: 0)
        var optimizer = TestSGD(learningRate: 0)
        try model.fit(
            x: column([0, 0, 0, 0]), y: column([1, 1, 3, 3]), loss: MeanSquaredError(), optimizer: &optimizer, epochs: 2,
            batchSize: 1, validationSplit: 0.5, metrics: [TestMAE()], verbosity: verbosity,
            output: recording.output(isTerminal: isTerminal))
        return recording.text
    }

    @Test func printsOnePlainLinePerEpochWhenNotATerminal() throws {
        let expected = """
            Epoch 1/2 - 2 batches - 1.3s - loss: 1.0000 - mae: 1.0000 - val_loss: 9.0000 - val_mae: 3.0000
            Epoch 2/2 - 2 batches - 0.5s - loss: 1.0000 - mae: 1.0000 - val_loss: 9.0000 - val_mae: 3.0000

            """
        // The clock is read at the start and the end of every epoch.
        #expect(try train(verbosity: .progressBar, isTerminal: false, times: [0, 1.3, 10, 10.5]) == expected)
        #expect(try train(verbosity: .oneLinePerEpoch, isTerminal: true, times: [0, 1.3, 10, 10.5]) == expected)
        #expect(try train(verbosity: .silent, isTerminal: true, times: [0]) == "")
    }

    @Test func rewritesOneLiveLinePerEpochOnATerminal() throws {
        // Clock readings per epoch: its start, the end of batch 0, the epoch's end.
        let text = try train(verbosity: .progressBar, isTerminal: true, times: [0, 1, 2, 60, 61, 185])
        let clear = "\u{1B}[K"
        let half = "[" + String(repeating: "=", count: 14) + ">" + String(repeating: ".", count: 15) + "]"
        let full = "[" + String(repeating: "=", count: 30) + "]"
        let expected =
            "\rEpoch 1/2  1/2 \(half)  loss: 1.0000  mae: 1.0000  0:01 elapsed, 0:01 left\(clear)"
            + "\rEpoch 1/2  2/2 \(full)  loss: 1.0000  mae: 1.0000  val_loss: 9.0000  val_mae: 3.0000  0:02\(clear)\n"
            + "\rEpoch 2/2  1/2 \(half)  loss: 1.0000  mae: 1.0000  0:01 elapsed, 0:01 left\(clear)"
            + "\rEpoch 2/2  2/2 \(full)  loss: 1.0000  mae: 1.0000  val_loss: 9.0000  val_mae: 3.0000  2:05\(clear)\n"
        #expect(text == expected)
    }

    @Test func redrawsTheLiveLineAtMostEvery50Milliseconds() {
        let recording = RecordingOutput(times: [0, 0.01, 0.03, 0.07, 0.08, 0.2])
        var printer = ProgressPrinter(
            verbosity: .progressBar, output: recording.output(isTerminal: true), epochCount: 1, batchCount: 5, metricNames: [])
        printer.beginEpoch(0)
        for batch in 0..<5 {
            printer.endBatch(batch, logs: ["loss": 1])
        }
        printer.endEpoch(logs: ["loss": 1], batchesRun: 5)
        // Batch 0 draws at 0.01, batch 1 (0.03) is too soon, batch 2 draws at 0.07, batch 3
        // (0.08) is too soon, and batch 4 is left to the final line.
        let lines = recording.text.split(separator: "\r").map { String($0.prefix(15)) }
        #expect(lines == ["Epoch 1/1  1/5 ", "Epoch 1/1  3/5 ", "Epoch 1/1  5/5 "])
        #expect(recording.text.hasSuffix("  loss: 1.0000  0:00\u{1B}[K\n"))
    }

    @Test func formatsNumbersAndDurations() {
        #expect(ProgressPrinter.number(0.12344) == "0.1234")
        #expect(ProgressPrinter.number(0) == "0.0000")
        #expect(ProgressPrinter.number(0.00012345) == "1.2345e-04")
        #expect(ProgressPrinter.clock(125.9) == "2:05")
        #expect(ProgressPrinter.clock(0.4) == "0:00")
    }
}
