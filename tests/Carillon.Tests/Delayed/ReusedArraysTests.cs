using System.Text;
using Carillon.Delayed.Dispatching;

namespace Carillon.Tests.Delayed;

public sealed class ReusedArraysTests
{
    [Fact]
    public void A_copy_is_exactly_its_source()
    {
        var arrays = new ReusedArrays(slots: 2, maxLength: 16);
        arrays.Copy("a longer one"u8);

        var copy = arrays.Copy("short"u8);

        Assert.Equal("short", Encoding.UTF8.GetString(copy));
    }

    [Fact]
    public void A_copy_of_the_same_length_overwrites_the_previous_one()
    {
        var arrays = new ReusedArrays(slots: 2, maxLength: 16);
        var first = arrays.Copy("abc"u8);

        var second = arrays.Copy("xyz"u8);

        Assert.Equal("xyz", Encoding.UTF8.GetString(second));
        Assert.Same(first, second);
    }

    [Fact]
    public void A_copy_longer_than_the_kept_length_is_never_reused()
    {
        var arrays = new ReusedArrays(slots: 2, maxLength: 4);
        var first = arrays.Copy("abcdef"u8);

        var second = arrays.Copy("uvwxyz"u8);

        Assert.Equal("abcdef", Encoding.UTF8.GetString(first));
        Assert.Equal("uvwxyz", Encoding.UTF8.GetString(second));
    }

    [Fact]
    public void An_empty_source_gives_an_empty_array()
    {
        var arrays = new ReusedArrays(slots: 2, maxLength: 4);

        Assert.Empty(arrays.Copy([]));
    }
}
