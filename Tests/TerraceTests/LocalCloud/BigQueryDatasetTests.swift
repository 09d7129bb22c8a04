import LocalCloud
import Testing
import TerraceJSON

@Suite("BigQuery datasets")
struct BigQueryDatasetTests {
    @Test func createdDatasetHasBigQuerysFieldsAndIsReadBack() async throws {
        try await withCloud { cloud in
            let created = try await BQ.createDataset(cloud, "sales", [
                "description": "Sales data", "friendlyName": "Sales", "labels": ["team": "finance"],
                "location": "EU", "defaultTableExpirationMs": "7200000",
            ])
            #expect(created["kind"] == "bigquery#dataset")
            #expect(created["id"] == "proj-test:sales")
            #expect(created["datasetReference"] == ["projectId": "proj-test", "datasetId": "sales"])
            #expect(created["creationTime"] == "1767225600000")
            #expect(created["lastModifiedTime"] == "1767225600000")
            #expect(created["location"] == "EU")
            #expect(created["labels"] == ["team": "finance"])
            #expect(created["defaultTableExpirationMs"] == "7200000")
            #expect(created["selfLink"]?.stringValue?.hasSuffix("/bigquery/v2/projects/proj-test/datasets/sales") == true)
            #expect(created["etag"]?.stringValue?.isEmpty == false)
            let (status, fetched) = try await cloud.call("GET", BQ.dataset("sales"))
            #expect(status == 200)
            #expect(fetched == created)
        }
    }

    @Test func locationDefaultsToUS() async throws {
        try await withCloud { cloud in
            let created = try await BQ.createDataset(cloud, "d")
            #expect(created["location"] == "US")
        }
    }

    @Test func accessDefaultsToTheProjectRoles() async throws {
        try await withCloud { cloud in
            let created = try await BQ.createDataset(cloud, "d")
            let access = created["access"]?.arrayValue ?? []
            #expect(access.contains(["role": "WRITER", "specialGroup": "projectWriters"]))
            #expect(access.contains(["role": "OWNER", "specialGroup": "projectOwners"]))
            #expect(access.contains(["role": "READER", "specialGroup": "projectReaders"]))
            #expect(access.count == 3)
        }
    }

    @Test func givenAccessEntriesAreKeptWithIAMRolesInLegacyForm() async throws {
        try await withCloud { cloud in
            let created = try await BQ.createDataset(cloud, "d", ["access": [
                ["role": "roles/bigquery.dataViewer", "userByEmail": "ann@example.com"],
                ["role": "WRITER", "groupByEmail": "eng@example.com"],
                ["role": "READER", "domain": "example.com"],
                ["role": "OWNER", "specialGroup": "projectOwners"],
                ["role": "READER", "iamMember": "allUsers"],
                ["view": ["projectId": "proj-test", "datasetId": "other", "tableId": "v"]],
            ]])
            let access = created["access"]?.arrayValue ?? []
            #expect(access.count == 6)
            #expect(access.first == ["role": "READER", "userByEmail": "ann@example.com"])
            #expect(access.last == ["view": ["projectId": "proj-test", "datasetId": "other", "tableId": "v"]])
        }
    }

    @Test(arguments: [
        ["role": "READER"] as JSON,
        ["role": "READER", "userByEmail": "a@example.com", "domain": "example.com"],
        ["userByEmail": "a@example.com"],
        ["role": "READER", "userByEmail": "not-an-email"],
        ["role": "READER", "specialGroup": "everybody"],
        ["role": "reader-ish", "domain": "example.com"],
        ["role": "READER", "iamMember": "nobody"],
        ["view": ["projectId": "proj-test", "datasetId": "other"]],
    ])
    func badAccessEntryIsRejectedAndNothingIsStored(entry: JSON) async throws {
        try await withCloud { cloud in
            let (status, body) = try await cloud.call("POST", BQ.datasets, BQ.datasetBody("d", ["access": [entry]]))
            #expect(status == 400)
            #expect(body.errorReason == "invalid")
            #expect(try await cloud.call("GET", BQ.dataset("d")).status == 404)
        }
    }

    @Test func authenticatedCallerIsAlsoAnOwnerByEmail() async throws {
        try await withCloud(configure: { $0.requireAuth = true }) { cloud in
            let (token, _) = try cloud.cloud.context.tokens.issue(principal: "user:ann@example.com")
            let (status, created) = try await cloud.call("POST", BQ.datasets, BQ.datasetBody("d"),
                                                        headers: [("Authorization", "Bearer \(token)")])
            #expect(status == 200)
            let access = created["access"]?.arrayValue ?? []
            #expect(access.contains(["role": "OWNER", "userByEmail": "ann@example.com"]))
            #expect(access.count == 4)
        }
    }

    @Test func datasetIdWithDashesIsInvalidAndNothingIsStored() async throws {
        try await withCloud { cloud in
            let (status, body) = try await cloud.call("POST", BQ.datasets, BQ.datasetBody("my-data"))
            #expect(status == 400)
            #expect(body.errorReason == "invalid")
            let (_, list) = try await cloud.call("GET", BQ.datasets)
            #expect(list["datasets"] == nil)
        }
    }

    @Test func projectMismatchBetweenPathAndBodyIsInvalid() async throws {
        try await withCloud { cloud in
            let body: JSON = ["datasetReference": ["projectId": "elsewhere", "datasetId": "d"]]
            let (status, error) = try await cloud.call("POST", BQ.datasets, body)
            #expect(status == 400)
            #expect(error.errorReason == "invalid")
            #expect(try await cloud.call("GET", BQ.dataset("d")).status == 404)
        }
    }

    @Test func tooShortDefaultTableExpirationIsInvalid() async throws {
        try await withCloud { cloud in
            let (status, body) = try await cloud.call("POST", BQ.datasets, BQ.datasetBody("d", ["defaultTableExpirationMs": "60000"]))
            #expect(status == 400)
            #expect(body.errorReason == "invalid")
            #expect(try await cloud.call("GET", BQ.dataset("d")).status == 404)
        }
    }

    @Test func badLabelIsInvalidAndNothingIsStored() async throws {
        try await withCloud { cloud in
            let (status, body) = try await cloud.call("POST", BQ.datasets, BQ.datasetBody("d", ["labels": ["Team": "x"]]))
            #expect(status == 400)
            #expect(body.errorReason == "invalid")
            #expect(try await cloud.call("GET", BQ.dataset("d")).status == 404)
        }
    }

    @Test func creatingAnExistingDatasetIsADuplicate() async throws {
        try await withCloud { cloud in
            let first = try await BQ.createDataset(cloud, "d", ["description": "first"])
            let (status, body) = try await cloud.call("POST", BQ.datasets, BQ.datasetBody("d", ["description": "second"]))
            #expect(status == 409)
            #expect(body.errorReason == "duplicate")
            #expect(body["error"]?["message"] == "Already Exists: Dataset proj-test:d")
            #expect(try await cloud.call("GET", BQ.dataset("d")).body == first)
        }
    }

    @Test func missingDatasetIsNotFound() async throws {
        try await withCloud { cloud in
            let (status, body) = try await cloud.call("GET", BQ.dataset("nope"))
            #expect(status == 404)
            #expect(body.errorReason == "notFound")
            #expect(body["error"]?["message"] == "Not found: Dataset proj-test:nope")
            #expect(try await cloud.call("DELETE", BQ.dataset("nope")).status == 404)
            #expect(try await cloud.call("PATCH", BQ.dataset("nope"), ["description": "x"]).status == 404)
        }
    }

    @Test func patchMergesFieldsAndRemovesNullLabels() async throws {
        try await withCloud { cloud in
            let created = try await BQ.createDataset(cloud, "d", ["description": "old", "friendlyName": "D",
                                                                 "labels": ["a": "1", "b": "2"]])
            cloud.clock.advance(seconds: 5)
            let (status, patched) = try await cloud.call("PATCH", BQ.dataset("d"),
                                                        ["description": "new", "labels": ["a": nil, "c": "3"]])
            #expect(status == 200)
            #expect(patched["description"] == "new")
            #expect(patched["friendlyName"] == "D")
            #expect(patched["labels"] == ["b": "2", "c": "3"])
            #expect(patched["access"] == created["access"])
            #expect(patched["creationTime"] == created["creationTime"])
            #expect(patched["lastModifiedTime"] == "1767225605000")
            #expect(patched["etag"] != created["etag"])
        }
    }

    @Test func updateReplacesTheWholeDataset() async throws {
        try await withCloud { cloud in
            try await BQ.createDataset(cloud, "d", ["description": "old", "friendlyName": "D", "labels": ["a": "1"]])
            let (status, updated) = try await cloud.call("PUT", BQ.dataset("d"), BQ.datasetBody("d", ["description": "new"]))
            #expect(status == 200)
            #expect(updated["description"] == "new")
            #expect(updated["friendlyName"] == nil)
            #expect(updated["labels"] == nil)
            #expect(updated["location"] == "US")
            #expect(try await cloud.call("GET", BQ.dataset("d")).body == updated)
        }
    }

    @Test func patchingDefaultTableExpirationToZeroClearsIt() async throws {
        try await withCloud { cloud in
            try await BQ.createDataset(cloud, "d", ["defaultTableExpirationMs": "3600000"])
            let (status, patched) = try await cloud.call("PATCH", BQ.dataset("d"), ["defaultTableExpirationMs": "0"])
            #expect(status == 200)
            #expect(patched["defaultTableExpirationMs"] == nil)
        }
    }

    @Test func changingTheLocationIsInvalid() async throws {
        try await withCloud { cloud in
            let created = try await BQ.createDataset(cloud, "d")
            let (status, body) = try await cloud.call("PATCH", BQ.dataset("d"), ["location": "EU"])
            #expect(status == 400)
            #expect(body.errorReason == "invalid")
            #expect(try await cloud.call("GET", BQ.dataset("d")).body == created)
        }
    }

    @Test func staleIfMatchEtagFailsThePrecondition() async throws {
        try await withCloud { cloud in
            let created = try await BQ.createDataset(cloud, "d")
            let oldEtag = created["etag"]?.stringValue ?? ""
            let (_, patched) = try await cloud.call("PATCH", BQ.dataset("d"), ["description": "one"])
            let (status, body) = try await cloud.call("PATCH", BQ.dataset("d"), ["description": "two"],
                                                      headers: [("If-Match", oldEtag)])
            #expect(status == 412)
            #expect(body.errorReason == "conditionNotMet")
            #expect(try await cloud.call("GET", BQ.dataset("d")).body == patched)
            let (putStatus, _) = try await cloud.call("PUT", BQ.dataset("d"), BQ.datasetBody("d"),
                                                      headers: [("If-Match", oldEtag)])
            #expect(putStatus == 412)
        }
    }

    @Test func currentIfMatchEtagIsAccepted() async throws {
        try await withCloud { cloud in
            let created = try await BQ.createDataset(cloud, "d")
            let (status, patched) = try await cloud.call("PATCH", BQ.dataset("d"), ["description": "one"],
                                                        headers: [("If-Match", created["etag"]?.stringValue ?? "")])
            #expect(status == 200)
            #expect(patched["description"] == "one")
        }
    }

    @Test func deletingANonEmptyDatasetIsResourceInUse() async throws {
        try await withCloud { cloud in
            try await BQ.createDataset(cloud, "d")
            try await BQ.createTable(cloud, "d", "t")
            let (status, body) = try await cloud.call("DELETE", BQ.dataset("d"))
            #expect(status == 400)
            #expect(body.errorReason == "resourceInUse")
            #expect(body["error"]?["message"] == "Dataset proj-test:d is still in use")
            #expect(try await cloud.call("GET", BQ.table("d", "t")).status == 200)
        }
    }

    @Test func deleteContentsRemovesTheDatasetAndItsTables() async throws {
        try await withCloud { cloud in
            try await BQ.createDataset(cloud, "d")
            try await BQ.createTable(cloud, "d", "t")
            #expect(try await cloud.call("DELETE", BQ.dataset("d") + "?deleteContents=true").status == 204)
            #expect(try await cloud.call("GET", BQ.dataset("d")).status == 404)
            try await BQ.createDataset(cloud, "d")
            #expect(try await cloud.call("GET", BQ.table("d", "t")).status == 404)
        }
    }

    @Test func emptyDatasetIsDeleted() async throws {
        try await withCloud { cloud in
            try await BQ.createDataset(cloud, "d")
            #expect(try await cloud.call("DELETE", BQ.dataset("d")).status == 204)
            #expect(try await cloud.call("GET", BQ.dataset("d")).status == 404)
        }
    }

    @Test func listPagesThroughDatasetsInIdOrder() async throws {
        try await withCloud { cloud in
            for id in ["c", "a", "e", "b", "d"] { try await BQ.createDataset(cloud, id) }
            var seen: [String] = []
            var token: String?
            var pages = 0
            repeat {
                let path = BQ.datasets + "?maxResults=2" + (token.map { "&pageToken=\($0)" } ?? "")
                let (status, page) = try await cloud.call("GET", path)
                #expect(status == 200)
                #expect(page["kind"] == "bigquery#datasetList")
                seen += BQ.ids(page, "datasets")
                token = page["nextPageToken"]?.stringValue
                pages += 1
            } while token != nil && pages < 10
            #expect(seen == ["proj-test:a", "proj-test:b", "proj-test:c", "proj-test:d", "proj-test:e"])
            #expect(pages == 3)
        }
    }

    @Test func listFiltersOnLabels() async throws {
        try await withCloud { cloud in
            try await BQ.createDataset(cloud, "a", ["labels": ["env": "prod", "team": "x"]])
            try await BQ.createDataset(cloud, "b", ["labels": ["env": "dev"]])
            try await BQ.createDataset(cloud, "c")
            let (_, prod) = try await cloud.call("GET", BQ.datasets + "?filter=labels.env:prod")
            #expect(BQ.ids(prod, "datasets") == ["proj-test:a"])
            let (_, withEnv) = try await cloud.call("GET", BQ.datasets + "?filter=labels.env")
            #expect(BQ.ids(withEnv, "datasets") == ["proj-test:a", "proj-test:b"])
            let (_, both) = try await cloud.call("GET", BQ.datasets + "?filter=labels.env%20labels.team:x")
            #expect(BQ.ids(both, "datasets") == ["proj-test:a"])
        }
    }

    @Test func hiddenDatasetsAreListedOnlyWithAll() async throws {
        try await withCloud { cloud in
            try await BQ.createDataset(cloud, "_scratch")
            try await BQ.createDataset(cloud, "visible")
            let (_, normal) = try await cloud.call("GET", BQ.datasets)
            #expect(BQ.ids(normal, "datasets") == ["proj-test:visible"])
            let (_, all) = try await cloud.call("GET", BQ.datasets + "?all=true")
            #expect(BQ.ids(all, "datasets") == ["proj-test:_scratch", "proj-test:visible"])
        }
    }
}
