import GCPNaming

/// The locations Cloud Storage and BigQuery accept: multi-regions, Cloud Storage's predefined
/// dual-regions and the Google Cloud regions, so a typo in a location fails like it does on GCP.
public enum Locations {
    public static let multiRegions = GCPLocations.multiRegions
    public static let dualRegions = GCPLocations.dualRegions
    public static let regions = GCPLocations.regions

    /// A Cloud Storage bucket location, upper-cased as Cloud Storage reports it; anything else
    /// is a 400 `invalid`.
    public static func storage(_ location: String) throws -> String {
        let upper = location.uppercased()
        guard multiRegions.contains(upper) || dualRegions.contains(upper) || regions.contains(location.lowercased()) else {
            throw GCPError.invalid("Invalid location: '\(location)'. Use a multi-region (US, EU, ASIA), a dual-region such as NAM4, or a region such as europe-west1.")
        }
        return upper
    }

    /// A BigQuery dataset location: multi-regions as "US"/"EU", regions in lower case.
    public static func bigQuery(_ location: String) throws -> String {
        let upper = location.uppercased()
        if upper == "US" || upper == "EU" { return upper }
        guard regions.contains(location.lowercased()) else {
            throw GCPError.invalid("Invalid dataset location: '\(location)'. Use US, EU or a region such as europe-west1.")
        }
        return location.lowercased()
    }
}
