import Infra
import TerraceDSL

/// The platform's declarations from `infra/`, under the name the DSL tests use.
typealias SamplePlatform = Platform
