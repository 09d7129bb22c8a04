/// The locations Cloud Storage and BigQuery accept: multi-regions, Cloud Storage's predefined
/// dual-regions and the Google Cloud regions. Shared by the local cloud (which refuses a typo as
/// GCP does) and the environment files (which refuse it before any API call).
public enum GCPLocations {
    public static let multiRegions: Set<String> = ["US", "EU", "ASIA"]
    public static let dualRegions: Set<String> = ["ASIA1", "EUR4", "EUR5", "EUR7", "EUR8", "NAM4"]
    /// The regions of the regional endpoints in Google's discovery documents.
    public static let regions: Set<String> = [
        "africa-south1", "asia-east1", "asia-east2", "asia-northeast1", "asia-northeast2", "asia-northeast3",
        "asia-south1", "asia-south2", "asia-southeast1", "asia-southeast2", "asia-southeast3",
        "australia-southeast1", "australia-southeast2", "europe-central2", "europe-north1", "europe-north2",
        "europe-southwest1", "europe-west1", "europe-west10", "europe-west12", "europe-west15", "europe-west2",
        "europe-west3", "europe-west4", "europe-west6", "europe-west8", "europe-west9", "me-central1",
        "me-central2", "me-west1", "northamerica-northeast1", "northamerica-northeast2", "northamerica-south1",
        "southamerica-east1", "southamerica-west1", "us-central1", "us-central2", "us-east1", "us-east4",
        "us-east5", "us-east7", "us-south1", "us-west1", "us-west2", "us-west3", "us-west4", "us-west8",
    ]

    /// Whether `location` is a multi-region, dual-region or region (any case).
    public static func isKnown(_ location: String) -> Bool {
        multiRegions.contains(location.uppercased()) || dualRegions.contains(location.uppercased())
            || regions.contains(location.lowercased())
    }
}
