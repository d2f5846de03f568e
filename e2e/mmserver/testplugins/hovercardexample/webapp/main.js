// The webapp part of hovercardexample: registers itself and adds nothing to the UI.
(function () {
    class Plugin {
        initialize(registry, store) {}
    }
    window.registerPlugin('hovercardexample', new Plugin());
})();
