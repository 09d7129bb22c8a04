import Testing
import TerraceDSL
import TerraceEngine
import TerraceJSON

/// The error `text` gets as `environments/dev.json`, or `nil` when it parses.
private func failure(_ text: String) -> String? {
    do {
        _ = try EnvironmentParser(name: "dev", file: "environments/dev.json").parse(text)
        return nil
    } catch {
        return error.description
    }
}

/// A valid environment file with `changes` applied (a `nil` value removes the key).
private func environment(_ changes: [String: JSON?] = [:]) -> String {
    var members: [String: JSON] = [
        "project": "terrace-platform-dev", "region": "EU", "state": "gs://terrace-dev-state/terrace",
        "labels": ["env": "dev"], "variables": ["analysts": ["user:ann@example.com"]],
    ]
    for (key, value) in changes { members[key] = value }
    return JSON.object(members).encoded(.pretty)
}

@Suite("DSL: environment files")
struct DSLEnvironmentTests {
    @Test func theRepositorysEnvironmentsLoad() throws {
        let loader = EnvironmentLoader(projectDirectory: dslPackageRoot)
        #expect(loader.available() == ["dev", "local", "prod", "staging"])
        let local = try loader.load("local")
        #expect(local.endpoint == .embedded)
        #expect(local.state == .file(".terrace/state/local.json"))
        #expect(local.environment.project == "terrace-local")
        let prod = try loader.load("prod")
        #expect(prod.endpoint == .google)
        #expect(prod.state == .gcs(bucket: "terrace-platform-prod-state", prefix: "terrace"))
        #expect(prod.impersonate == "terrace-deployer@terrace-platform-prod.iam.gserviceaccount.com")
        #expect(prod.environment.labels == ["env": "prod", "managed-by": "terrace"])
        #expect(prod.environment.strings("analysts") == ["group:data-analysts@example.com", "user:cfo@example.com"])
    }

    @Test func aValidFileBecomesAnEnvironment() throws {
        let configuration = try EnvironmentParser(name: "dev", file: "environments/dev.json")
            .parse(environment(["namePrefix": "terrace-dev", "endpoint": "http://127.0.0.1:9023/"]))
        #expect(configuration.environment == Environment(
            name: "dev", project: "terrace-platform-dev", region: "EU", namePrefix: "terrace-dev",
            labels: ["env": "dev"], variables: ["analysts": ["user:ann@example.com"]]))
        #expect(configuration.endpoint == .url("http://127.0.0.1:9023"))
        #expect(configuration.environment.name("raw") == "terrace-dev-raw")
        #expect(configuration.environment.name("gold", separator: "_") == "terrace_dev_gold")
    }

    @Test func aMissingFileNamesTheEnvironmentsThatExist() {
        #expect(throws: EnvironmentError.self) { try EnvironmentLoader(projectDirectory: dslPackageRoot).load("qa") }
        do {
            _ = try EnvironmentLoader(projectDirectory: dslPackageRoot).load("qa")
        } catch {
            #expect(error.description
                == "environments/qa.json: no such environment file (create it, or use one of: dev, local, prod, staging)")
        }
    }

    @Test func badJSONIsReportedWithLineAndColumn() {
        #expect(failure("{\n  \"project\": \"terrace-platform-dev\",\n  \"region\": EU\n}")
            == "environments/dev.json:3:14: invalid JSON: invalid token near 'EU' (fix the syntax there)")
    }

    @Test func aTopLevelThatIsNotAnObjectIsReported() {
        #expect(failure("[]")
            == "environments/dev.json: the file holds a JSON array, not an object (write {\"project\": …, \"region\": …, \"state\": …})")
    }

    @Test func aMissingRequiredKeyIsNamed() {
        #expect(failure(environment(["project": nil]))
            == "environments/dev.json: missing required key \"project\" (add \"project\": \"my-project-id\")")
        #expect(failure(environment(["state": nil]))
            == "environments/dev.json: missing required key \"state\" (add \"state\": \"gs://my-state-bucket/terrace\")")
    }

    @Test func aKeyOfTheWrongTypeIsNamed() {
        #expect(failure(environment(["region": 42]))
            == "environments/dev.json: key \"region\": expected a string, got number (write it as a string)")
        #expect(failure(environment(["labels": ["env": true]]))
            == "environments/dev.json: key \"labels.env\": expected a string, got boolean (write it as a string)")
        #expect(failure(environment(["variables": ["a", "b"]]))
            == "environments/dev.json: key \"variables\": expected an object, got array (write it as an object)")
    }

    @Test func anUnknownKeyNearAKnownOneGetsADidYouMean() {
        #expect(failure(environment(["regoin": "EU"]))
            == "environments/dev.json: unknown key \"regoin\" (did you mean \"region\"?)")
    }

    @Test func anUnknownKeyFarFromAnyKnownOneListsTheKnownKeys() {
        #expect(failure(environment(["colour": "blue"]))
            == "environments/dev.json: unknown key \"colour\" (known keys: endpoint, impersonate, labels, namePrefix, project, region, sources, state, variables)")
    }

    @Test func aBadProjectIDIsReportedWithGCPsRule() {
        #expect(failure(environment(["project": "My_Project"]))
            == "environments/dev.json: key \"project\": Invalid project id \"My_Project\": a project id is 6 to 30 lowercase letters, digits or hyphens, starts with a letter and does not end with a hyphen (use the project id shown in the Cloud console)")
    }

    @Test func aBadEndpointURLIsReported() {
        let fix = "write \"embedded\", a URL such as \"http://127.0.0.1:9023\", or remove the key for Google"
        #expect(failure(environment(["endpoint": "ftp://127.0.0.1"]))
            == "environments/dev.json: key \"endpoint\": \"ftp://127.0.0.1\" is neither \"embedded\" nor an http(s) base URL (\(fix))")
        #expect(failure(environment(["endpoint": "http://localhost:99999"]))
            == "environments/dev.json: key \"endpoint\": \"http://localhost:99999\" is neither \"embedded\" nor an http(s) base URL (\(fix))")
        #expect(failure(environment(["endpoint": "Embedded"])) != nil)
    }

    @Test func aBadStateLocationIsReported() {
        #expect(failure(environment(["state": "gs://Bad_Bucket/terrace"]))
            == "environments/dev.json: key \"state\": \"gs://Bad_Bucket/terrace\": Invalid bucket name: 'Bad_Bucket': only lowercase letters, digits, '-', '_' and '.' are allowed (write gs://BUCKET/PREFIX)")
        #expect(failure(environment(["state": "s3://bucket/state"]))
            == "environments/dev.json: key \"state\": \"s3://bucket/state\" is neither a file path nor a gs:// URL (write a path such as \".terrace/state/dev.json\", or gs://BUCKET/PREFIX)")
        #expect(failure(environment(["state": ""])) != nil)
    }

    @Test func badLabelsAreReportedWithGCPsRule() {
        #expect(failure(environment(["labels": ["Env": "dev"]]))
            == "environments/dev.json: key \"labels\": Invalid label key \"Env\": keys are 1 to 63 lowercase letters, digits, '_' or '-', starting with a letter (fix the label)")
    }

    @Test func aBadNamePrefixOrImpersonatedAccountIsReported() {
        #expect(failure(environment(["namePrefix": "Terrace_"]))
            == "environments/dev.json: key \"namePrefix\": \"Terrace_\" cannot start resource names (use up to 20 lowercase letters, digits and hyphens, starting with a letter, not ending with a hyphen)")
        #expect(failure(environment(["impersonate": "deployer@example.com"]))
            == "environments/dev.json: key \"impersonate\": \"deployer@example.com\" is not a service-account email (write NAME@PROJECT.iam.gserviceaccount.com)")
    }

    @Test func aPathOutsideTheEnvironmentsFolderIsNotLoaded() {
        let loader = EnvironmentLoader(projectDirectory: "/nonexistent-terrace-project")
        #expect(loader.available() == [])
        #expect(loadFailure(loader, "../secrets")
            == "--env takes an environment's name, not a path: `--env secrets` reads environments/secrets.json in the current directory (the project's root)")
        #expect(loadFailure(loader, "prod") == "environments/prod.json: no such environment file (create it; terrace looks in environments/ under the current directory)")
    }
}

/// The error loading `name` gets, or `nil` when it loads.
private func loadFailure(_ loader: EnvironmentLoader, _ name: String) -> String? {
    do {
        _ = try loader.load(name)
        return nil
    } catch {
        return error.description
    }
}

/// The `sources` overrides pipelines read: known keys only, and never a secret.
@Suite("DSL: environment source overrides")
struct DSLEnvironmentSourceTests {
    func parse(_ sources: JSON) -> Result<EnvironmentConfiguration, EnvironmentError> {
        let body: JSON = ["project": "my-project", "region": "US", "state": ".terrace/state/dev.json", "sources": sources]
        return Result { () throws(EnvironmentError) in try EnvironmentParser(name: "dev", file: "environments/dev.json").parse(body.encoded()) }
    }

    @Test func overridesAreKeptPerSource() throws {
        let configuration = try parse(["carts": ["url": "http://127.0.0.1:8080/carts", "rowLimit": 100]]).get()
        #expect(configuration.sources["carts"]?["rowLimit"] == 100)
    }

    @Test func anUnknownKeyIsNamed() {
        guard case .failure(let error) = parse(["carts": ["uri": "x"]]) else { Issue.record("accepted"); return }
        #expect(error.description.contains("sources.carts.uri"))
    }

    @Test func aConnectionStringItselfIsRefused() {
        guard case .failure(let error) = parse(["orders": ["connection": "postgres://u:secret@db/shop"]]) else { Issue.record("accepted"); return }
        #expect(error.description.contains("secrets never go in environment files"))
        #expect(!error.description.contains("secret@"))
    }
}
