using System.Text;
using Bot.Slack;

namespace Bot.Tests.Slack;

/// <summary>Slack's documented test vector (protocols.md A1) and every negative case listed beside it.</summary>
public sealed class SlackSignatureTests
{
    private const string Secret = "8f742231b10e8888abcd99yyyzzz85a5";
    private const string Timestamp = "1531420618";
    private const string Body = "token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text=&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c";
    private const string Signature = "v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503";

    private static readonly DateTimeOffset SignedAt = DateTimeOffset.FromUnixTimeSeconds(1531420618);

    private static SlackSignatureResult Verify(string? secret = Secret, string? timestamp = Timestamp, string? signature = Signature, string body = Body, DateTimeOffset? now = null) =>
        SlackSignature.Verify(secret, timestamp, signature, Encoding.UTF8.GetBytes(body), now ?? SignedAt);

    [Fact]
    public void OfficialVector_ClockAtItsTimestamp_IsValid() => Assert.Equal(SlackSignatureResult.Valid, Verify());

    [Fact]
    public void OfficialVector_RealClock_IsStale() =>
        Assert.Equal(SlackSignatureResult.Stale, Verify(now: TimeProvider.System.GetUtcNow()));

    [Fact]
    public void Compute_OfficialVector_MatchesSlacksSignature() =>
        Assert.Equal(Signature, SlackSignature.Compute(Secret, Timestamp, Encoding.UTF8.GetBytes(Body)));

    [Fact]
    public void BodyWithDashesAppended_IsMismatch() => Assert.Equal(SlackSignatureResult.Mismatch, Verify(body: Body + "------"));

    [Fact]
    public void WrongSecret_IsMismatch() => Assert.Equal(SlackSignatureResult.Mismatch, Verify(secret: "8f742231b10e8888abcd99yyyzzz85a6"));

    [Fact]
    public void VersionV1_IsUnsupported() => Assert.Equal(SlackSignatureResult.UnsupportedVersion, Verify(signature: "v1=" + Signature[3..]));

    [Fact]
    public void SignatureNotHex_IsMismatch() => Assert.Equal(SlackSignatureResult.Mismatch, Verify(signature: "v0=zzzz"));

    [Fact]
    public void UppercaseHex_IsMismatch() => Assert.Equal(SlackSignatureResult.Mismatch, Verify(signature: "v0=" + Signature[3..].ToUpperInvariant()));

    [Fact]
    public void MissingSignatureHeader_IsRefused() => Assert.Equal(SlackSignatureResult.MissingSignature, Verify(signature: null));

    [Fact]
    public void MissingTimestampHeader_IsRefused() => Assert.Equal(SlackSignatureResult.MissingTimestamp, Verify(timestamp: null));

    [Theory]
    [InlineData("yesterday")]
    [InlineData("-1531420618")]
    [InlineData("1531420618.5")]
    [InlineData(" 1531420618")]
    public void TimestampNotAnInteger_IsInvalid(string timestamp) => Assert.Equal(SlackSignatureResult.InvalidTimestamp, Verify(timestamp: timestamp));

    [Fact]
    public void Now301SecondsAfterTimestamp_IsStale() => Assert.Equal(SlackSignatureResult.Stale, Verify(now: SignedAt.AddSeconds(301)));

    [Fact]
    public void Now301SecondsBeforeTimestamp_FutureDated_IsStale() => Assert.Equal(SlackSignatureResult.Stale, Verify(now: SignedAt.AddSeconds(-301)));

    [Theory]
    [InlineData(300)]
    [InlineData(-300)]
    public void ExactlyFiveMinutesEitherWay_IsStillValid(int seconds) => Assert.Equal(SlackSignatureResult.Valid, Verify(now: SignedAt.AddSeconds(seconds)));

    [Fact]
    public void ReplayWithTimestampBumpedBy60_KeepingOldSignature_IsMismatch() =>
        Assert.Equal(SlackSignatureResult.Mismatch, Verify(timestamp: "1531420678", now: SignedAt.AddSeconds(60)));

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData(null)]
    public void EmptySigningSecret_FailsClosed(string? secret) => Assert.Equal(SlackSignatureResult.MissingSecret, Verify(secret: secret));

    [Theory]
    [InlineData("""{"token":"Jhj5dZrVaK7ZwHHjRyZWjbDl","challenge":"3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P","type":"url_verification"}""", "v0=f9bd80929259f3f6d5fe3a3186c453c89cd1ad4862815a15837584f31c993652")]
    [InlineData("""{"type":"event_callback","event":{"type":"app_mention","text":"<@U111> héllo & <b>"}}""", "v0=1d571e0ac9760a40cee8989247569cbf754b8b596266cea038afb90fa670bf72")]
    [InlineData("", "v0=55f41ec73231010289b54e669149ea021fccab11b5524355523533ce930cb739")]
    public void ExtraVectors_AreValid(string body, string signature) => Assert.Equal(SlackSignatureResult.Valid, Verify(body: body, signature: signature));
}
