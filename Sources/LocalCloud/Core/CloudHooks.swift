/// Seams that let a test hold the local cloud at a chosen point instead of racing it; all nil
/// outside tests.
public struct CloudHooks: Sendable {
    /// Awaited by every BigQuery job once it is recorded RUNNING and before it does its work, with
    /// the job's id: a test makes a job observably RUNNING by returning only when it chooses. It
    /// should also return when its task is cancelled (`jobs.cancel`, the cloud stopping).
    public var bigQueryJobGate: (@Sendable (_ jobID: String) async -> Void)?

    public init() {}
}
