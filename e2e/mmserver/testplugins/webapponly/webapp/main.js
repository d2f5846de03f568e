// A webapp-only plugin: registers itself and adds nothing to the UI.
(function () {
    class Plugin {
        initialize(registry, store) {}
    }
    window.registerPlugin('matterctl-webapponly', new Plugin());
})();
