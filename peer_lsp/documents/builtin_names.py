"""Names each language provides without an import, as our own lists (Python's is read at run
time from the interpreter).

Only what a fix checker needs: a name here is never refused. The lists err on the side of
more: a host global missing from them makes a true fix look broken, a name too many only lets
a broken fix through in the rare case it uses exactly that name.
"""

from __future__ import annotations

import builtins
import functools
import sys


def _words(text: str) -> list[str]:
    return text.split()


@functools.cache
def python_builtins() -> frozenset[str]:
    """Python's builtins, and the names every module and method body has."""
    module_names = {
        "__name__", "__file__", "__doc__", "__package__", "__spec__", "__loader__",
        "__builtins__", "__path__", "__cached__", "__annotations__", "__dict__", "__class__",
        "__module__", "__qualname__", "reveal_type", "reveal_locals",
    }  # fmt: skip
    return frozenset(dir(builtins)) | frozenset(module_names)


def python_module_names() -> frozenset[str]:
    """Top-level names of the standard library (for messages: `json` is a module to import)."""
    return frozenset(sys.stdlib_module_names)


_ECMASCRIPT = """
globalThis undefined NaN Infinity eval isFinite isNaN parseFloat parseInt decodeURI
decodeURIComponent encodeURI encodeURIComponent escape unescape Object Function Boolean Symbol
Error AggregateError EvalError RangeError ReferenceError SyntaxError TypeError URIError
Number BigInt Math Date String RegExp Array Int8Array Uint8Array Uint8ClampedArray Int16Array
Uint16Array Int32Array Uint32Array Float32Array Float64Array BigInt64Array BigUint64Array Map
Set WeakMap WeakSet WeakRef FinalizationRegistry ArrayBuffer SharedArrayBuffer Atomics
DataView JSON Promise Reflect Proxy Intl Iterator AsyncIterator arguments this super require
module exports await yield
"""

_NODE = """
process Buffer global __dirname __filename setTimeout clearTimeout setInterval clearInterval
setImmediate clearImmediate queueMicrotask structuredClone console URL URLSearchParams
TextEncoder TextDecoder AbortController AbortSignal Event EventTarget fetch Headers Request
Response FormData Blob File crypto performance atob btoa MessageChannel MessagePort
BroadcastChannel WebAssembly DOMException ReadableStream WritableStream TransformStream
"""

_BROWSER = """
window self document navigator location history screen localStorage sessionStorage
indexedDB alert confirm prompt open close print requestAnimationFrame cancelAnimationFrame
requestIdleCallback cancelIdleCallback getComputedStyle matchMedia XMLHttpRequest WebSocket
Worker SharedWorker ServiceWorker Notification Image Audio Option CustomEvent MouseEvent
KeyboardEvent FocusEvent InputEvent PointerEvent TouchEvent DragEvent ClipboardEvent
ErrorEvent MessageEvent ProgressEvent Node NodeList Element HTMLElement HTMLInputElement
HTMLFormElement HTMLAnchorElement HTMLImageElement HTMLCanvasElement HTMLDivElement
HTMLButtonElement HTMLSelectElement HTMLTextAreaElement HTMLTemplateElement HTMLScriptElement
HTMLIFrameElement HTMLVideoElement HTMLAudioElement SVGElement Document DocumentFragment
ShadowRoot Text Comment Range Selection DOMParser XMLSerializer MutationObserver
ResizeObserver IntersectionObserver CSS CSSStyleSheet FileReader caches customElements
devicePixelRatio innerWidth innerHeight outerWidth outerHeight scrollX scrollY scrollTo
scrollBy postMessage frames parent top opener origin isSecureContext trustedTypes
"""

_TEST_AND_TOOLS = """
describe it test expect beforeEach afterEach beforeAll afterAll jest vi suite context chrome
browser
"""


@functools.cache
def javascript_globals() -> frozenset[str]:
    """ECMAScript's globals, Node's, the browser's most used, and test runners'."""
    return frozenset((_ECMASCRIPT + _NODE + _BROWSER + _TEST_AND_TOOLS).split())


_WEB_API_PREFIXES = (
    "HTML", "SVG", "CSS", "DOM", "XR", "WebGL", "GPU", "RTC", "Media", "IDB", "Audio",
    "Web", "Speech", "Payment", "Credential", "Push", "Gamepad", "Clipboard", "File",
    "Performance", "Readable", "Writable", "Transform", "Offscreen", "Image", "Video",
)  # fmt: skip
_WEB_API_SUFFIXES = ("Event", "Element", "Observer", "Error", "Array", "List", "Collection")


def is_web_api(name: str) -> bool:
    """Whether ``name`` reads as a browser API class (`HTMLUnknownElement`, `XRWebGLBinding`):
    the browser has hundreds, more each year, and no fix should be refused for using one."""
    return name[:1].isupper() and (
        name.startswith(_WEB_API_PREFIXES) or name.endswith(_WEB_API_SUFFIXES)
    )


# Packages of Go's standard library, by the name code uses (the last element of the path).
GO_STD_PACKAGES = frozenset(
    _words(
        """
    archive tar zip bufio builtin bytes cmp compress bzip2 flate gzip lzw zlib container heap
    list ring context crypto aes cipher des dsa ecdh ecdsa ed25519 elliptic hmac md5 rand rc4
    rsa sha1 sha256 sha512 subtle tls x509 database sql driver debug dwarf elf gosym macho pe
    plan9obj buildinfo embed encoding ascii85 asn1 base32 base64 binary csv gob hex json pem
    xml errors expvar flag fmt hash adler32 crc32 crc64 fnv maphash html template image color
    palette draw gif jpeg png index suffixarray io fs ioutil iter log slog syslog maps math big
    bits cmplx mime multipart quotedprintable net http cgi cookiejar fcgi httptest httptrace
    httputil pprof mail netip rpc jsonrpc smtp textproto url os exec signal user path filepath
    plugin reflect regexp syntax runtime cgo coverage metrics race trace slices sort strconv
    strings sync atomic testing fstest iotest quick testenv text scanner tabwriter time tzdata
    unicode utf16 utf8 unique unsafe
    """
    )
)

# Java classes outside java.lang that fixes reach for, by the package that holds them.
JAVA_CLASS_PACKAGES: dict[str, str] = {
    name: package
    for package, names in {
        "java.util": "Objects Arrays List ArrayList LinkedList Map HashMap LinkedHashMap TreeMap"
        " Set HashSet LinkedHashSet TreeSet Collections Optional UUID Random Scanner"
        " Properties Locale Base64 Deque ArrayDeque Queue PriorityQueue Iterator Comparator"
        " StringJoiner",
        "java.util.regex": "Pattern Matcher",
        "java.util.stream": "Collectors Stream IntStream",
        "java.util.concurrent": "ConcurrentHashMap Executors ExecutorService TimeUnit",
        "java.nio.charset": "StandardCharsets Charset",
        "java.nio.file": "Files Paths Path",
        "java.io": "File IOException InputStream OutputStream Reader Writer BufferedReader"
        " InputStreamReader FileInputStream FileOutputStream UncheckedIOException",
        "java.security": "SecureRandom MessageDigest",
        "java.time": "Instant Duration LocalDate LocalDateTime",
        "java.math": "BigDecimal BigInteger",
        "java.net": "URI URL URLEncoder URLDecoder",
        "java.sql": "PreparedStatement Connection ResultSet SQLException",
    }.items()
    for name in names.split()
}

RUST_PRELUDE = frozenset(
    _words(
        """
    Option Some None Result Ok Err Vec String Box ToString ToOwned Clone Copy Send Sync Sized
    Unpin Drop Fn FnMut FnOnce Iterator IntoIterator DoubleEndedIterator ExactSizeIterator
    Extend Default Eq PartialEq Ord PartialOrd AsRef AsMut Into From TryFrom TryInto
    FromIterator drop Self self crate super
    """
    )
)

C_BUILTINS = frozenset(
    _words(
        """
    __func__ __FUNCTION__ __PRETTY_FUNCTION__ __LINE__ __FILE__ __DATE__ __TIME__ __STDC__
    __STDC_VERSION__ __cplusplus true false nullptr this
    """
    )
)

PHP_SUPERGLOBALS = frozenset(
    _words(
        """
    $this $GLOBALS $_GET $_POST $_REQUEST $_SERVER $_COOKIE $_FILES $_ENV $_SESSION
    $http_response_header $argc $argv $php_errormsg
    """
    )
)

# Namespaces every .NET SDK project imports without a `using` (ImplicitUsings): their types
# are never refused.
CSHARP_IMPLICIT_USINGS = frozenset(
    _words(
        """
    System System.IO System.Collections.Generic System.Linq System.Net.Http System.Threading
    System.Threading.Tasks
    """
    )
)

# .NET types that fixes reach for, by the namespace that holds them. Only names no other
# namespace of the base library defines, and no common word a project would name a class
# of its own (`Process`, `Match`, `Group`, `Trace` are left out: a same-namespace class in
# a sibling file is out of sight).
CSHARP_TYPE_NAMESPACES: dict[str, str] = {
    name: namespace
    for namespace, names in {
        "System.Text": "StringBuilder Encoding UTF8Encoding ASCIIEncoding UnicodeEncoding",
        "System.Text.RegularExpressions": "Regex RegexOptions MatchCollection"
        " RegexMatchTimeoutException",
        "System.Text.Json": "JsonSerializer JsonSerializerOptions JsonDocument JsonElement"
        " JsonValueKind JsonNamingPolicy JsonException",
        "System.Security.Cryptography": "SHA1 SHA256 SHA384 SHA512 MD5 HMACSHA256 Aes"
        " RandomNumberGenerator Rfc2898DeriveBytes CryptographicException",
        "System.Xml": "XmlDocument XmlReader XmlWriter XmlReaderSettings XmlWriterSettings"
        " XmlNode XmlElement",
        "System.Xml.Linq": "XDocument XElement XAttribute",
        "System.Xml.Serialization": "XmlSerializer",
        "System.Collections.Concurrent": "ConcurrentDictionary ConcurrentQueue ConcurrentBag"
        " ConcurrentStack BlockingCollection",
        "System.Diagnostics": "Stopwatch Debug Debugger ProcessStartInfo",
        "System.Globalization": "CultureInfo NumberStyles DateTimeStyles",
        "System.Net": "IPAddress IPEndPoint WebUtility Dns HttpStatusCode NetworkCredential",
        "System.Web": "HttpUtility",
        "System.Reflection": "BindingFlags MethodInfo PropertyInfo",
        "System.Numerics": "BigInteger",
        "System.Buffers": "ArrayPool",
        "System.IO.Compression": "GZipStream DeflateStream ZipFile ZipArchive",
    }.items()
    for name in names.split()
}

# Libraries known to define a type of the same name: a `using` of one of these brings it.
CSHARP_SHARED_NAMES: dict[str, tuple[str, ...]] = {
    "Debug": ("UnityEngine",),
    "JsonSerializer": ("Newtonsoft.Json",),
    "JsonException": ("Newtonsoft.Json",),
}
