/// The HTTP core is the layer this module is built on: every file here (and every client of
/// `PilotoRuntime`) sees its types without importing it separately.
@_exported import PilotoHTTPCore
