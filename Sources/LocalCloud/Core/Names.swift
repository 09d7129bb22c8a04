import GCPNaming

/// GCP's naming rules (see ``GCPNaming``), answered as 400 `invalid`.
public enum Names {
    public static func checkBucket(_ name: String) throws {
        do { try GCPNaming.checkBucket(name) } catch { throw GCPError.invalid(error.message) }
    }

    public static func checkObject(_ name: String) throws {
        do { try GCPNaming.checkObject(name) } catch { throw GCPError.invalid(error.message) }
    }

    public static func checkDatasetID(_ id: String) throws {
        do { try GCPNaming.checkDatasetID(id) } catch { throw GCPError.invalid(error.message) }
    }

    public static func checkTableID(_ id: String) throws {
        do { try GCPNaming.checkTableID(id) } catch { throw GCPError.invalid(error.message) }
    }

    public static func checkPubSubID(_ id: String, kind: String) throws {
        do { try GCPNaming.checkPubSubID(id, kind: kind) } catch { throw GCPError.invalid(error.message) }
    }

    public static func checkServiceAccountID(_ id: String) throws {
        do { try GCPNaming.checkServiceAccountID(id) } catch { throw GCPError.invalid(error.message) }
    }

    public static func checkLabels(_ labels: [String: String]) throws {
        do { try GCPNaming.checkLabels(labels) } catch { throw GCPError.invalid(error.message) }
    }

    public static func checkProjectID(_ id: String) throws {
        do { try GCPNaming.checkProjectID(id) } catch { throw GCPError.invalid(error.message) }
    }

    public static func checkProjectReference(_ reference: String) throws {
        do { try GCPNaming.checkProjectReference(reference) } catch { throw GCPError.invalid(error.message) }
    }
}
