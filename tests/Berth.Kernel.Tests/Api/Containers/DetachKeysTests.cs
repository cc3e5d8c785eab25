using Berth.Kernel.Api.Containers;
using Berth.Sdk;

namespace Berth.Kernel.Tests.Api.Containers;

public class DetachKeysTests
{
    [TestCase(null)]
    [TestCase("")]
    public void Parse_Nothing_IsDockersDefaultCtrlPCtrlQ(string? text)
    {
        Assert.That(DetachKeys.Parse(text), Is.EqualTo(new byte[] { 16, 17 }));
    }

    [Test]
    public void Parse_Default_IsCtrlPCtrlQ() => Assert.That(DetachKeys.Parse(DetachKeys.Default), Is.EqualTo(new byte[] { 0x10, 0x11 }));

    [TestCase("ctrl-a", (byte)1)]
    [TestCase("ctrl-z", (byte)26)]
    [TestCase("ctrl-@", (byte)0)]
    [TestCase("ctrl-[", (byte)27)]
    [TestCase("ctrl-\\", (byte)28)]
    [TestCase("ctrl-]", (byte)29)]
    [TestCase("ctrl-^", (byte)30)]
    [TestCase("ctrl-_", (byte)31)]
    public void Parse_CtrlKey_IsItsControlCode(string key, byte code)
    {
        Assert.That(DetachKeys.Parse(key), Is.EqualTo(new[] { code }));
    }

    [Test]
    public void Parse_SingleCharacters_AreTheirOwnBytes()
    {
        Assert.That(DetachKeys.Parse("a,Z"), Is.EqualTo(new byte[] { (byte)'a', (byte)'Z' }));
    }

    [Test]
    public void Parse_MixOfCharactersAndCtrlKeys_KeepsTheOrder()
    {
        Assert.That(DetachKeys.Parse("e,ctrl-x,~"), Is.EqualTo(new byte[] { (byte)'e', 24, (byte)'~' }));
    }

    [TestCase("ctrl-")]
    [TestCase("ctrl-ab")]
    [TestCase("ctrl-A")]
    [TestCase("ctrl-1")]
    [TestCase("alt-a")]
    [TestCase("ab")]
    [TestCase("ctrl-p,")]
    public void Parse_UnknownKey_IsDockersInvalidDetachKeysMessage(string text)
    {
        var error = Assert.Throws<BerthException>(() => DetachKeys.Parse(text))!;

        Assert.Multiple(() =>
        {
            Assert.That(error.Kind, Is.EqualTo(BerthErrorKind.InvalidParameter));
            Assert.That(error.Message, Is.EqualTo($"Invalid detach keys ({text}) provided"));
        });
    }

    /// <summary>moby/term's ToBytes accepts "DEL" (127) besides the ctrl- keys.</summary>
    [Test]
    public void Parse_Del_Is127AsMobyTermDoes()
    {
        Assert.That(DetachKeys.Parse("ctrl-p,DEL"), Is.EqualTo(new byte[] { 16, 127 }));
    }
}
